import type { SerializedError } from '@pikku/core';
import type { StepState } from '@pikku/core/workflow';
import { CorruptDataError, keepAsGiven, parseStored, parseStoredJson, toJson } from '@redstate/core';
import { z } from 'zod';
import { stepIdOf } from './ids.js';

export type StepRecord = StepState & { stepName: string };
export type StepRecordWithData = StepRecord & { rpcName?: string; data?: unknown };

const STEP_STATUSES = ['pending', 'running', 'scheduled', 'succeeded', 'failed', 'suspended'] as const;
const millis = z.string().regex(/^\d+$/, 'must be a millisecond timestamp').transform((s) => new Date(Number(s)));

// keepAsGiven: a looseObject copy would drop an own "__proto__" key of the stored error.
export const errorSchema = keepAsGiven(z.looseObject({ message: z.string() }));
// Built once: zod schemas are costly to construct, and decoding runs on every read.
const stringSchema = z.string();
const nullableStringSchema = z.string().nullable();
const numberSchema = z.number();
const retryDelaySchema = z.union([z.string(), z.number()]);

/** Optional user payloads travel as JSON text; '' stands for `undefined`. */
export function optionalJson(value: unknown, what: string): string {
  return value === undefined ? '' : toJson(value, what);
}

function json(raw: string | undefined, what: string): unknown {
  return raw === undefined ? undefined : parseStoredJson(raw, what);
}

const attemptSchema = z.object({
  name: z.string(),
  status: z.enum(STEP_STATUSES),
  attempt: z.string().regex(/^\d+$/).transform(Number),
  rpc: z.string().optional(),
  data: z.string().optional(),
  retries: z.string().optional(),
  retryDelay: z.string().optional(),
  from: z.string().optional(),
  createdAt: millis,
  updatedAt: millis,
  runningAt: millis.optional(),
  scheduledAt: millis.optional(),
  succeededAt: millis.optional(),
  failedAt: millis.optional(),
  result: z.string().optional(),
  error: z.string().optional(),
  child: z.string().optional(),
  branch: z.string().optional(),
});

export interface DecodedAttempt {
  readonly seq: number;
  readonly step: StepRecordWithData;
  readonly branchKey?: string;
}

export function decodeAttempt(runId: string, seq: number, fields: Record<string, string>): DecodedAttempt {
  const what = `step attempt ${stepIdOf(runId, seq)}`;
  const a = parseStored(attemptSchema, fields, what);
  const step: StepRecordWithData = {
    stepId: stepIdOf(runId, seq),
    stepName: a.name,
    status: a.status,
    attemptCount: a.attempt,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
  const rpc = json(a.rpc, `${what} rpcName`);
  if (rpc !== undefined) step.rpcName = parseStored(nullableStringSchema, rpc, `${what} rpcName`) as string;
  if (a.data !== undefined) step.data = json(a.data, `${what} data`);
  if (a.retries !== undefined) step.retries = parseStored(numberSchema, json(a.retries, `${what} retries`), `${what} retries`);
  if (a.retryDelay !== undefined) {
    step.retryDelay = parseStored(retryDelaySchema, json(a.retryDelay, `${what} retryDelay`), `${what} retryDelay`);
  }
  if (a.from !== undefined) step.fromStepName = parseStored(stringSchema, json(a.from, `${what} from`), `${what} from`);
  if (a.runningAt) step.runningAt = a.runningAt;
  if (a.scheduledAt) step.scheduledAt = a.scheduledAt;
  if (a.succeededAt) step.succeededAt = a.succeededAt;
  if (a.failedAt) step.failedAt = a.failedAt;
  if (a.result !== undefined) step.result = json(a.result, `${what} result`);
  if (a.error !== undefined) step.error = parseStored(errorSchema, json(a.error, `${what} error`), `${what} error`) as SerializedError;
  if (a.child !== undefined) step.childRunId = parseStored(stringSchema, json(a.child, `${what} childRunId`), `${what} childRunId`);
  return a.branch === undefined ? { seq, step } : { seq, step, branchKey: a.branch };
}

/** Splits a run's steps hash (`<seq>:<field>` fields) into attempts ordered by seq. */
export function decodeAttempts(runId: string, hash: Record<string, string>): DecodedAttempt[] {
  const bySeq = new Map<number, Record<string, string>>();
  for (const [field, value] of Object.entries(hash)) {
    const colon = field.indexOf(':');
    const seq = Number(field.slice(0, colon));
    if (colon <= 0 || !Number.isSafeInteger(seq)) {
      throw new CorruptDataError(`corrupt stored steps of workflow run ${runId}: unexpected field ${JSON.stringify(field)}`);
    }
    const entry = bySeq.get(seq) ?? {};
    entry[field.slice(colon + 1)] = value;
    bySeq.set(seq, entry);
  }
  return [...bySeq.entries()].sort(([a], [b]) => a - b).map(([seq, fields]) => decodeAttempt(runId, seq, fields));
}

/** Only the current attempt of each step name, in first-seen order. */
export function currentAttempts(runId: string, current: Record<string, string>, attempts: DecodedAttempt[]): DecodedAttempt[] {
  const bySeq = new Map(attempts.map((a) => [a.seq, a]));
  const out: DecodedAttempt[] = [];
  for (const [name, seqText] of Object.entries(current)) {
    const attempt = bySeq.get(Number(seqText));
    if (!attempt || attempt.step.stepName !== name) {
      throw new CorruptDataError(`corrupt stored current attempt of step ${name} in workflow run ${runId}`);
    }
    out.push(attempt);
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** The public StepState view (no data). */
export function withoutData(step: StepRecordWithData): StepRecord {
  const { data: _data, ...rest } = step;
  return rest;
}
