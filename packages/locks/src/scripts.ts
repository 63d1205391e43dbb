import {
  asArray,
  asBoolean,
  asInteger,
  asNullableString,
  asString,
  type BatchOutcome,
  CorruptDataError,
  defineScript,
  mapRedisError,
} from '@redstate/core';
import { lua } from './generated/lua.js';

/** What an acquire script answers: the lease, or how long the current holder still has. */
export type AcquireReply =
  | { readonly acquired: true; readonly token: number; readonly acquiredAtMs: number; readonly expiresAtMs: number }
  | { readonly acquired: false; readonly retryAfterMs: number };

export function asAcquireReply(raw: unknown): AcquireReply {
  const list = asArray(raw);
  const flag = asInteger(list[0]);
  if (flag === 1 && list.length === 4) {
    return { acquired: true, token: asInteger(list[1]), acquiredAtMs: asInteger(list[2]), expiresAtMs: asInteger(list[3]) };
  }
  if (flag === 0 && list.length === 2) return { acquired: false, retryAfterMs: asInteger(list[1]) };
  throw new CorruptDataError(`unexpected acquire reply ${JSON.stringify(raw)}`);
}

/** One lock operation of a `lock-ops` batch. */
export type LockOp =
  | { readonly op: 'a'; readonly keys: LockKeyPair; readonly value: string; readonly owner: string; readonly ttlMs: number }
  | { readonly op: 'r'; readonly keys: LockKeyPair; readonly value: string };

export interface LockKeyPair {
  readonly lock: string;
  readonly token: string;
}

/** What a release answers: whether this value still held the lock. */
export type LockOpReply = AcquireReply | boolean;

export function lockOpsArgs(items: readonly LockOp[]): { keys: string[]; args: (string | number)[] } {
  const keys: string[] = [];
  const args: (string | number)[] = [];
  for (const item of items) {
    keys.push(item.keys.lock, item.keys.token);
    if (item.op === 'a') args.push('a', item.value, item.owner, item.ttlMs);
    else args.push('r', item.value, '', '');
  }
  return { keys, args };
}

function asLockOpOutcome(raw: unknown): BatchOutcome<LockOpReply> {
  const list = asArray(raw);
  const flag = asInteger(list[0]);
  if (flag === -1 && list.length === 2) return { ok: false, error: mapRedisError(new Error(asString(list[1]))) };
  if (list.length === 1 && (flag === 0 || flag === 1)) return { ok: true, value: flag === 1 };
  return { ok: true, value: asAcquireReply(list) };
}

export function asLockOpsReply(raw: unknown): BatchOutcome<LockOpReply>[] {
  return asArray(raw).map(asLockOpOutcome);
}

export interface RawLockInfo {
  readonly owner: string;
  readonly token: string;
  readonly acquiredAt: string;
  readonly expiresAtMs: number;
}

export function asLockInfo(raw: unknown): RawLockInfo | null {
  const list = asArray(raw);
  if (list.length === 0) return null;
  if (list.length !== 4) throw new CorruptDataError(`unexpected inspect reply ${JSON.stringify(raw)}`);
  return {
    owner: asNullableString(list[0]) ?? '',
    token: asNullableString(list[1]) ?? '',
    acquiredAt: asNullableString(list[2]) ?? '',
    expiresAtMs: asInteger(list[3]),
  };
}

export const lockOpsScript = defineScript({ ...lua.lockOps, reply: asLockOpsReply });
export const refreshScript = defineScript({ ...lua.refresh, reply: asInteger });
export const inspectScript = defineScript({ ...lua.inspect, reply: asLockInfo });
export const fenceCheckScript = defineScript({ ...lua.fenceCheck, reply: asInteger });
export const fenceReadScript = defineScript({ ...lua.fenceRead, reply: asInteger });
export const semAcquireScript = defineScript({ ...lua.semAcquire, reply: asAcquireReply });
export const semRefreshScript = defineScript({ ...lua.semRefresh, reply: asInteger });
export const semReleaseScript = defineScript({ ...lua.semRelease, reply: asBoolean });
export const semCountScript = defineScript({ ...lua.semCount, reply: asInteger });

/** Every script of this package, for `verifyScripts`. */
export const lockScripts = [
  lockOpsScript,
  refreshScript,
  inspectScript,
  fenceCheckScript,
  fenceReadScript,
  semAcquireScript,
  semRefreshScript,
  semReleaseScript,
  semCountScript,
] as const;
