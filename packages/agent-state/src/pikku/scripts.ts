import { asArray, asInteger, asNullableString, asString, asStringArray, CorruptDataError, defineScript, type Script } from '@redstate/core';
import { lua } from '../generated/lua.js';

export interface DeletedThread {
  readonly resourceId: string;
  readonly agents: ReadonlyMap<string, number>;
  readonly toolCalls: readonly string[];
}

function asDeletedThread(raw: unknown): DeletedThread | null {
  if (raw === null || raw === undefined) return null;
  const [resource, agents, toolCalls] = asArray(raw);
  const flat = asStringArray(agents);
  const map = new Map<string, number>();
  for (let i = 0; i < flat.length; i += 2) map.set(flat[i]!, asInteger(flat[i + 1]));
  return { resourceId: asString(resource), agents: map, toolCalls: asStringArray(toolCalls) };
}

function asPairs(raw: unknown): [string, string][] {
  const flat = asStringArray(raw);
  if (flat.length % 2 !== 0) throw new CorruptDataError('unexpected run list reply');
  const out: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
  return out;
}

function asNullableStrings(raw: unknown): (string | null)[] {
  return asArray(raw).map(asNullableString);
}

export const createThreadScript = defineScript({ ...lua.pikkuCreateThread, reply: asInteger });
export const saveMessagesScript = defineScript({ ...lua.pikkuSaveMessages, reply: asInteger });
export const getMessagesScript = defineScript({ ...lua.pikkuGetMessages, reply: asNullableStrings });
export const deleteThreadScript = defineScript({ ...lua.pikkuDeleteThread, reply: asDeletedThread });
export const createRunScript = defineScript({ ...lua.pikkuCreateRun, reply: asInteger });
export const casRunScript = defineScript({ ...lua.pikkuCasRun, reply: asInteger });
export const listRunsScript = defineScript({ ...lua.pikkuListRuns, reply: asPairs });
export const saveScoreScript = defineScript({ ...lua.pikkuSaveScore, reply: asInteger });
export const agentNamesScript = defineScript({ ...lua.pikkuAgentNames, reply: asInteger });

/** Every script of the Pikku services, for `verifyScripts`. */
export const pikkuAgentScripts: readonly Script<unknown>[] = [
  createThreadScript,
  saveMessagesScript,
  getMessagesScript,
  deleteThreadScript,
  createRunScript,
  casRunScript,
  listRunsScript,
  saveScoreScript,
  agentNamesScript,
];
