import type { Keyspace } from '@redstate/core';
import { ENTRY_KINDS, type UsageEntryKind } from './entry-schema.js';

/** Every key of one session, in one hash slot (`prefix:usage:{sessionId}:...`). */
export interface SessionKeys {
  readonly entries: string;
  readonly rollup: string;
  readonly byTime: string;
  readonly byStep: string;
  readonly byKindTime: Readonly<Record<UsageEntryKind, string>>;
  /** All of the above, in the order record-entry takes them. */
  readonly all: readonly string[];
}

export function sessionKeys(keyspace: Keyspace, sessionId: string): SessionKeys {
  const unit = keyspace.unit(sessionId);
  const byKindTime = Object.fromEntries(ENTRY_KINDS.map((k) => [k, unit.key('by-time', k)])) as Record<
    UsageEntryKind,
    string
  >;
  const entries = unit.key('entries');
  const rollup = unit.key('rollup');
  const byTime = unit.key('by-time');
  const byStep = unit.key('by-step');
  return {
    entries,
    rollup,
    byTime,
    byStep,
    byKindTime,
    all: [entries, rollup, byTime, byStep, ...ENTRY_KINDS.map((k) => byKindTime[k])],
  };
}

/** One shard of the session index: two zsets sharing their own hash slot. */
export interface IndexKeys {
  readonly byId: string;
  readonly byExpiry: string;
}

/** Index shards: one shard keeps the `{index:sessions}` tag; n shards use `{index:sessions:i}`. */
export function indexShardKeys(keyspace: Keyspace, shards: number): IndexKeys[] {
  return Array.from({ length: shards }, (_, i) => {
    const unit = shards === 1 ? keyspace.unit('index', 'sessions') : keyspace.unit('index', 'sessions', String(i));
    return { byId: unit.key('by-id'), byExpiry: unit.key('by-expiry') };
  });
}

/** Stable shard of a session id (FNV-1a over its UTF-8 bytes). */
export function shardOf(sessionId: string, shards: number): number {
  if (shards === 1) return 0;
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(sessionId, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % shards;
}
