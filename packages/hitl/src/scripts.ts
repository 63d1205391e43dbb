import { asArray, asInteger, asString, defineScript, type Script } from '@redstate/core';
import { hitlScriptErrors as errors } from './errors.js';
import { lua } from './generated/lua.js';
import { decodeRequestRow } from './records.js';
import type { HumanRequestRecord } from './types.js';

function asRequests(raw: unknown): HumanRequestRecord[] {
  return asArray(raw).map(decodeRequestRow);
}

function asStrings(raw: unknown): string[] {
  return asArray(raw).map(asString);
}

export const createScript = defineScript({ ...lua.create, reply: asString, errors });
export const resolveScript = defineScript({ ...lua.resolve, reply: asString, errors });
export const setExternalIdScript = defineScript({ ...lua.setExternalId, reply: asInteger, errors });
export const listScript = defineScript({ ...lua.list, reply: asRequests, errors });
export const findRequestScript = defineScript({ ...lua.findRequest, reply: asRequests, errors });
export const listByBatchScript = defineScript({ ...lua.listByBatch, reply: asRequests, errors });
export const createEntityScript = defineScript({ ...lua.createEntity, reply: asString, errors });
export const setBatchExternalIdScript = defineScript({ ...lua.setBatchExternalId, reply: asInteger, errors });
export const setNotifyExternalIdScript = defineScript({ ...lua.setNotifyExternalId, reply: asInteger, errors });
export const appendTimelineScript = defineScript({ ...lua.appendTimeline, reply: asInteger, errors });
export const timelineScript = defineScript({ ...lua.timeline, reply: asStrings, errors });
export const importRequestScript = defineScript({ ...lua.importRequest, reply: asInteger, errors });

/** Every script of this package (for `verifyScripts`). */
export const hitlScripts: readonly Script<unknown>[] = [
  createScript,
  resolveScript,
  setExternalIdScript,
  listScript,
  findRequestScript,
  listByBatchScript,
  createEntityScript,
  setBatchExternalIdScript,
  setNotifyExternalIdScript,
  appendTimelineScript,
  timelineScript,
  importRequestScript,
];
