import {
  asArray,
  asFieldMap,
  asInteger,
  asString,
  asStringArray,
  type BatchOutcome,
  CorruptDataError,
  defineScript,
  mapRedisError,
} from '@redstate/core';
import { lua } from './generated/lua.js';

/** One outcome per entry: recorded (true), already recorded (false), or its typed error. */
function asRecordOutcomes(raw: unknown): BatchOutcome<boolean>[] {
  return asArray(raw).map((item): BatchOutcome<boolean> => {
    if (typeof item === 'string') return { ok: false, error: mapRedisError(new Error(item)) };
    const n = asInteger(item);
    if (n !== 0 && n !== 1) throw new CorruptDataError(`unexpected record-entries reply ${n}`);
    return { ok: true, value: n === 1 };
  });
}

export const recordEntriesScript = defineScript({ ...lua.recordEntries, reply: asRecordOutcomes });
export const getEntriesScript = defineScript({ ...lua.getEntries, reply: asStringArray });
export const readRollupScript = defineScript({ ...lua.readRollup, reply: asFieldMap });
export const indexTouchScript = defineScript({ ...lua.indexTouch, reply: asInteger });
export const indexRemoveScript = defineScript({ ...lua.indexRemove, reply: asInteger });
export const indexListScript = defineScript({ ...lua.indexList, reply: asSessionPage });

export interface RawSessionPage {
  readonly ids: string[];
  readonly next: string;
}

function asSessionPage(raw: unknown): RawSessionPage {
  const list = asArray(raw);
  if (list.length !== 2) throw new CorruptDataError(`unexpected index-list reply: ${JSON.stringify(raw)}`);
  return { ids: asStringArray(list[0]), next: asString(list[1]) };
}

/** Every script of this package, for `verifyScripts`. */
export const usageScripts = [
  recordEntriesScript,
  getEntriesScript,
  readRollupScript,
  indexTouchScript,
  indexRemoveScript,
  indexListScript,
] as const;
