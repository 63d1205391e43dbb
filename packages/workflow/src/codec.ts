import type { SerializedError } from '@pikku/core';
import type { StepState, WorkflowPlannedStep, WorkflowRun, WorkflowRunWire } from '@pikku/core/workflow';
import { CorruptDataError, parseStored, parseStoredJson, toJson } from '@redstate/core';
import { z } from 'zod';
import { stepIdOf } from './ids.js';
import { RUN_STATUSES } from './keys.js';

export type StepRecord = StepState & { stepName: string };
export type StepRecordWithData = StepRecord & { rpcName?: string; data?: unknown };

const STEP_STATUSES = ['pending', 'running', 'scheduled', 'succeeded', 'failed', 'suspended'] as const;
const millis = z.string().regex(/^\d+$/, 'must be a millisecond timestamp').transform((s) => new Date(Number(s)));

const errorSchema = z.looseObject({ message: z.string() });
const plannedStepsSchema = z.array(z.looseObject({ stepName: z.string() }));
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

const DIGITS = /^\d+$/;
const RUN_STATUS_SET: ReadonlySet<string> = new Set(RUN_STATUSES);

function corrupt(what: string, problem: string): never {
  throw new CorruptDataError(`corrupt stored ${what}: ${problem}`, { details: { what } });
}

function millisField(raw: string | undefined, field: string, what: string): Date {
  if (raw === undefined || !DIGITS.test(raw)) corrupt(what, `${field} must be a millisecond timestamp`);
  return new Date(Number(raw));
}

function isFlag(raw: string | undefined): raw is '0' | '1' {
  return raw === '0' || raw === '1';
}

/**
 * Decodes a run hash (HGETALL), or null when it is empty. Checked field by field rather than
 * with a zod schema: this runs on every run read, and the checks are few and flat.
 */
export function decodeRun(runId: string, hash: Record<string, string>): WorkflowRun | null {
  const { workflow, status, inline, wire, input, output, error, graphHash, deterministic, plannedSteps } = hash;
  if (status === undefined && Object.keys(hash).length === 0) return null;
  const what = `workflow run ${runId}`;
  if (!workflow) corrupt(what, 'workflow must be a non-empty string');
  if (status === undefined || !RUN_STATUS_SET.has(status)) corrupt(what, `unknown status ${String(status)}`);
  if (!isFlag(inline)) corrupt(what, 'inline must be 0 or 1');
  if (deterministic !== undefined && !isFlag(deterministic)) corrupt(what, 'deterministic must be 0 or 1');
  if (wire === undefined) corrupt(what, 'wire is missing');
  const wireValue = json(wire, `${what} wire`);
  if (typeof wireValue !== 'object' || wireValue === null || typeof (wireValue as { type?: unknown }).type !== 'string') {
    corrupt(`${what} wire`, 'must be an object with a string type');
  }
  const run: WorkflowRun = {
    id: runId,
    workflow,
    status: status as WorkflowRun['status'],
    input: json(input, `${what} input`),
    inline: inline === '1',
    wire: wireValue as WorkflowRunWire,
    createdAt: millisField(hash.createdAt, 'createdAt', what),
    updatedAt: millisField(hash.updatedAt, 'updatedAt', what),
  };
  if (output !== undefined) run.output = json(output, `${what} output`);
  if (error !== undefined) run.error = parseStored(errorSchema, json(error, `${what} error`), `${what} error`) as SerializedError;
  if (graphHash !== undefined) run.graphHash = graphHash;
  if (deterministic !== undefined) run.deterministic = deterministic === '1';
  if (plannedSteps !== undefined) {
    run.plannedSteps = parseStored(plannedStepsSchema, json(plannedSteps, `${what} plannedSteps`), `${what} plannedSteps`) as WorkflowPlannedStep[];
  }
  return run;
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
