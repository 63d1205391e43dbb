import { createHash, randomUUID } from 'node:crypto';

const RUN_ID = /^([0-9a-f]{12})-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const STEP_ID = /^(.+)\.([1-9]\d{0,14})$/;

/** A short, stable digest of a workflow name; runs of one workflow share it. */
export function workflowDigest(workflowName: string): string {
  return createHash('sha1').update(workflowName, 'utf8').digest('hex').slice(0, 12);
}

/**
 * Run ids carry the digest of their workflow name (`<digest>-<uuid>`), so every index a
 * transition maintains can be named from the id alone, in one round trip.
 */
export function newRunId(workflowName: string): string {
  return `${workflowDigest(workflowName)}-${randomUUID()}`;
}

export interface ParsedRunId {
  readonly runId: string;
  readonly digest: string;
}

/** Null for an id this package did not issue (such a run cannot exist). */
export function parseRunId(runId: unknown): ParsedRunId | null {
  if (typeof runId !== 'string') return null;
  const match = RUN_ID.exec(runId);
  return match ? { runId, digest: match[1]! } : null;
}

/** Step attempt ids are `<runId>.<seq>`: the run's attempt counter makes them unique. */
export function stepIdOf(runId: string, seq: number): string {
  return `${runId}.${seq}`;
}

export interface ParsedStepId extends ParsedRunId {
  readonly seq: number;
}

export function parseStepId(stepId: unknown): ParsedStepId | null {
  if (typeof stepId !== 'string') return null;
  const match = STEP_ID.exec(stepId);
  if (!match) return null;
  const run = parseRunId(match[1]);
  return run ? { ...run, seq: Number(match[2]) } : null;
}
