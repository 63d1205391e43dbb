import { asArray, asInteger, asString, CorruptDataError, defineScript, type Script } from '@redstate/core';
import { workflowScriptErrors as errors } from './errors.js';
import { lua } from './generated/lua.js';

export interface SeqReply {
  readonly seq: number;
  readonly at: number;
}

function asSeqReply(raw: unknown): SeqReply {
  const [seq, at] = asArray(raw).map(asInteger);
  if (seq === undefined || at === undefined) throw new CorruptDataError('expected { seq, time } from a step script');
  return { seq, at };
}

export interface StoredAttempt {
  readonly seq: number;
  readonly fields: Record<string, string>;
}

function asText(raw: unknown): string {
  return typeof raw === 'number' ? String(raw) : asString(raw);
}

function asStoredAttempt(raw: unknown): StoredAttempt | null {
  if (raw === null || raw === undefined || raw === 0) return null;
  const [seq, ...rest] = asArray(raw);
  if (rest.length % 2 !== 0) throw new CorruptDataError('step-get returned an odd field list');
  const fields: Record<string, string> = {};
  for (let i = 0; i < rest.length; i += 2) fields[asString(rest[i])] = asText(rest[i + 1]);
  return { seq: asInteger(seq), fields };
}

export const createRun = defineScript({ ...lua.createRun, reply: asInteger, errors });
export const runStatus = defineScript({ ...lua.runStatus, reply: asInteger, errors });
export const stepInsert = defineScript({ ...lua.stepInsert, reply: asSeqReply, errors });
export const stepSet = defineScript({ ...lua.stepSet, reply: asInteger, errors });
export const stepRetry = defineScript({ ...lua.stepRetry, reply: asStoredAttempt, errors });
export const stepGet = defineScript({ ...lua.stepGet, reply: asStoredAttempt, errors });
export const runState = defineScript({ ...lua.runState, reply: asInteger, errors });
export const deleteRun = defineScript({ ...lua.deleteRun, reply: asInteger, errors });
export const lockRenew = defineScript({ ...lua.lockRenew, reply: asInteger, errors });
export const lockRelease = defineScript({ ...lua.lockRelease, reply: asInteger, errors });
export const versionUpsert = defineScript({ ...lua.versionUpsert, reply: asInteger, errors });
export const versionStatus = defineScript({ ...lua.versionStatus, reply: asInteger, errors });

/** Every script of this package, for `verifyScripts`. */
export const workflowScripts: readonly Script<unknown>[] = [
  createRun,
  runStatus,
  stepInsert,
  stepSet,
  stepRetry,
  stepGet,
  runState,
  deleteRun,
  lockRenew,
  lockRelease,
  versionUpsert,
  versionStatus,
];
