import { asArray, asFieldMap, asInteger, asString, asStringArray, CorruptDataError, defineScript } from '@redstate/core';
import { lua } from './generated/lua.js';

export const recordEntryScript = defineScript({ ...lua.recordEntry, reply: asInteger });
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
  recordEntryScript,
  getEntriesScript,
  readRollupScript,
  indexTouchScript,
  indexRemoveScript,
  indexListScript,
] as const;
