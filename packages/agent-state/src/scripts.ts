import { asArray, asBoolean, asInteger, CorruptDataError, defineScript, type Script } from '@redstate/core';
import { agentStateScriptErrors as errors } from './errors.js';
import { lua } from './generated/lua.js';

export interface SaveStateReply {
  version: number;
  messageCount: number;
  checkpointId: string | null;
}

function asSaveStateReply(raw: unknown): SaveStateReply {
  const [version, count, checkpointId] = asArray(raw);
  if (typeof checkpointId !== 'string') throw new CorruptDataError(`unexpected save-state reply ${JSON.stringify(raw)}`);
  return { version: asInteger(version), messageCount: asInteger(count), checkpointId: checkpointId === '' ? null : checkpointId };
}

export interface LoadStateReply {
  fields: unknown;
  messages: unknown[];
}

function asLoadStateReply(raw: unknown): LoadStateReply | null {
  const list = asArray(raw);
  if (list.length === 0) return null;
  return { fields: list[0], messages: asArray(list[1]) };
}

export interface CheckpointPageReply {
  bodies: (string | null)[];
  nextCursor: string | null;
}

function asCheckpointPage(raw: unknown): CheckpointPageReply {
  const [bodies, next] = asArray(raw);
  const list = asArray(bodies).map((b) => {
    if (b === null || typeof b === 'string') return b;
    throw new CorruptDataError(`unexpected checkpoint body ${JSON.stringify(b)}`);
  });
  if (typeof next !== 'string') throw new CorruptDataError(`unexpected checkpoint cursor ${JSON.stringify(next)}`);
  return { bodies: list, nextCursor: next === '' ? null : next };
}

export const saveStateScript = defineScript({ ...lua.saveState, reply: asSaveStateReply, errors });
export const loadStateScript = defineScript({ ...lua.loadState, reply: asLoadStateReply, errors });
export const appendMessagesScript = defineScript({ ...lua.appendMessages, reply: asInteger, errors });
export const updateStatusScript = defineScript({ ...lua.updateStatus, reply: asInteger, errors });
export const casStatusScript = defineScript({ ...lua.casStatus, reply: asBoolean, errors });
export const incrementResumeScript = defineScript({ ...lua.incrementResume, reply: asInteger, errors });
export const deleteSessionScript = defineScript({ ...lua.deleteSession, reply: asBoolean, errors });
export const stageChangesScript = defineScript({ ...lua.stageChanges, reply: asInteger, errors });
export const promoteStagingScript = defineScript({ ...lua.promoteStaging, reply: asInteger, errors });
export const discardStagingScript = defineScript({ ...lua.discardStaging, reply: asBoolean, errors });
export const listCheckpointsScript = defineScript({ ...lua.listCheckpoints, reply: asCheckpointPage, errors });
export const streamCreateScript = defineScript({ ...lua.streamCreate, reply: asBoolean, errors });
export const streamAppendScript = defineScript({ ...lua.streamAppend, reply: asInteger, errors });
export const streamFinishScript = defineScript({ ...lua.streamFinish, reply: asBoolean, errors });

/** Every Lua script of this package (for `verifyScripts`). */
export const agentStateScripts: readonly Script<unknown>[] = [
  saveStateScript,
  loadStateScript,
  appendMessagesScript,
  updateStatusScript,
  casStatusScript,
  incrementResumeScript,
  deleteSessionScript,
  stageChangesScript,
  promoteStagingScript,
  discardStagingScript,
  listCheckpointsScript,
  streamCreateScript,
  streamAppendScript,
  streamFinishScript,
];
