import type { SerializedError } from '@pikku/core';
import type { WorkflowPlannedStep, WorkflowRun, WorkflowRunWire } from '@pikku/core/workflow';
import { CorruptDataError, keepAsGiven, parseStored, parseStoredJson } from '@redstate/core';
import { z } from 'zod';
import { errorSchema } from './codec.js';
import { RUN_STATUSES } from './keys.js';

/**
 * How a run was created (inline, wire, graph hash, deterministic, planned steps), kept in one
 * JSON field (`spec`) so a run read is an HMGET of a few fields. The user's payloads (input,
 * output, error) stay fields of their own: the spec stays small, and so does the hash
 * encoding. Runs written before `002-run-spec` keep these as separate fields
 * (LEGACY_SPEC_FIELDS) and are still read.
 */
export interface RunSpecParts {
  readonly inline: boolean;
  /** JSON text of each; '' = absent. */
  readonly wire: string;
  readonly plannedSteps: string;
  readonly graphHash: string;
  readonly deterministic: boolean | undefined;
}

/** The `spec` field's JSON text, assembled from parts that are JSON already. */
export function encodeRunSpec(parts: RunSpecParts): string {
  let spec = `{"inline":${parts.inline},"wire":${parts.wire}`;
  if (parts.graphHash !== '') spec += `,"graphHash":${JSON.stringify(parts.graphHash)}`;
  if (parts.deterministic !== undefined) spec += `,"deterministic":${parts.deterministic}`;
  if (parts.plannedSteps !== '') spec += `,"plannedSteps":${parts.plannedSteps}`;
  return `${spec}}`;
}

/** The run hash fields a WorkflowRun is built from (HMGET: values only, in this order). */
export const RUN_FIELDS = ['spec', 'workflow', 'status', 'input', 'output', 'error', 'createdAt', 'updatedAt'] as const;

/** Where runs written before `002-run-spec` keep what `spec` holds now. */
export const LEGACY_SPEC_FIELDS = ['inline', 'wire', 'graphHash', 'deterministic', 'plannedSteps'] as const;

type Values = ReadonlyArray<string | null | undefined>;

const RUN_STATUS_SET: ReadonlySet<string> = new Set(RUN_STATUSES);
// keepAsGiven: zod's copies would drop own "__proto__" keys of the stored steps.
const plannedStepsSchema = keepAsGiven(z.array(z.looseObject({ stepName: z.string() })));

function corrupt(runId: string, problem: string): never {
  const what = `workflow run ${runId}`;
  throw new CorruptDataError(`corrupt stored ${what}: ${problem}`, { details: { what } });
}

function runJson(raw: string, runId: string, field: string): unknown {
  return parseStoredJson(raw, `workflow run ${runId} ${field}`);
}

function millis(raw: string | null | undefined, runId: string, field: string): Date {
  const ms = raw ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 0) corrupt(runId, `${field} must be a millisecond timestamp`);
  return new Date(ms);
}

/** True when the HMGET reply is of a run stored before `spec` existed: its creation fields must be read apart. */
export function isLegacyRun(values: Values): boolean {
  return values[0] == null && values.some((v) => v != null);
}

/**
 * Decodes the HMGET reply for RUN_FIELDS, or null when none of them is stored. `legacy` holds
 * the LEGACY_SPEC_FIELDS values of a run stored before `spec`. Checked field by field rather
 * than with a zod schema: this runs on every run read, and the checks are few and flat.
 */
export function decodeRunValues(runId: string, values: Values, legacy?: Values): WorkflowRun | null {
  const [rawSpec, workflow, status, input, output, error, createdAt, updatedAt] = values;
  if (rawSpec == null && !values.some((v) => v != null)) return null;
  if (!workflow) corrupt(runId, 'workflow must be a non-empty string');
  if (status == null || !RUN_STATUS_SET.has(status)) corrupt(runId, `unknown status ${String(status)}`);
  const spec = rawSpec == null ? legacySpec(runId, legacy ?? []) : runJson(rawSpec, runId, 'spec');
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) corrupt(runId, 'spec must be an object');
  const { inline, wire, graphHash, deterministic, plannedSteps } = spec as Record<string, unknown>;
  if (typeof inline !== 'boolean') corrupt(runId, 'inline must be a boolean');
  if (typeof wire !== 'object' || wire === null || typeof (wire as { type?: unknown }).type !== 'string') {
    corrupt(runId, 'wire must be an object with a string type');
  }
  const run: WorkflowRun = {
    id: runId,
    workflow,
    status: status as WorkflowRun['status'],
    input: input == null ? undefined : runJson(input, runId, 'input'),
    inline,
    wire: wire as WorkflowRunWire,
    createdAt: millis(createdAt, runId, 'createdAt'),
    updatedAt: millis(updatedAt, runId, 'updatedAt'),
  };
  if (output != null) run.output = runJson(output, runId, 'output');
  if (error != null) run.error = parseStored(errorSchema, runJson(error, runId, 'error'), `workflow run ${runId} error`) as SerializedError;
  if (graphHash !== undefined) {
    if (typeof graphHash !== 'string') corrupt(runId, 'graphHash must be a string');
    run.graphHash = graphHash;
  }
  if (deterministic !== undefined) {
    if (typeof deterministic !== 'boolean') corrupt(runId, 'deterministic must be a boolean');
    run.deterministic = deterministic;
  }
  if (plannedSteps !== undefined) {
    run.plannedSteps = parseStored(plannedStepsSchema, plannedSteps, `workflow run ${runId} plannedSteps`) as WorkflowPlannedStep[];
  }
  return run;
}

/** The spec of a run stored before `002-run-spec`, from its separate fields (flags as 0/1, payloads as JSON). */
function legacySpec(runId: string, values: Values): Record<string, unknown> {
  const [inline, wire, graphHash, deterministic, plannedSteps] = values;
  const isFlag = (raw: string | null | undefined): raw is '0' | '1' => raw === '0' || raw === '1';
  if (!isFlag(inline)) corrupt(runId, 'inline must be 0 or 1');
  if (deterministic != null && !isFlag(deterministic)) corrupt(runId, 'deterministic must be 0 or 1');
  if (wire == null) corrupt(runId, 'wire is missing');
  const spec: Record<string, unknown> = { inline: inline === '1', wire: runJson(wire, runId, 'wire') };
  if (graphHash != null) spec.graphHash = graphHash;
  if (deterministic != null) spec.deterministic = deterministic === '1';
  if (plannedSteps != null) spec.plannedSteps = runJson(plannedSteps, runId, 'plannedSteps');
  return spec;
}

/** Decodes a whole run hash (HGETALL, as listings read it), or null when it holds no run field. */
export function decodeRun(runId: string, hash: Record<string, string>): WorkflowRun | null {
  return decodeRunValues(
    runId,
    RUN_FIELDS.map((field) => hash[field]),
    LEGACY_SPEC_FIELDS.map((field) => hash[field]),
  );
}
