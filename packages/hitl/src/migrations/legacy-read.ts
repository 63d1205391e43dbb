import {
  Batch,
  CorruptDataError,
  masterNodes,
  withMappedErrors,
  parseStored,
  parseStoredJson,
  type RedisClient,
} from '@redstate/core';
import { z } from 'zod';
import type { LegacyKeys } from '../legacy-keys.js';

export const CHUNK = 500;

export const call = withMappedErrors;

/** GET of many keys, one pipeline per slot and chunk. */
export async function getMany(client: RedisClient, keys: readonly string[]): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) {
    const batch = new Batch(client);
    const refs = keys.slice(i, i + CHUNK).map((key) => batch.command('get', [key], (raw) => (typeof raw === 'string' ? raw : null)));
    const results = await batch.exec();
    for (const ref of refs) out.push(results.get(ref));
  }
  return out;
}

/** Members of a legacy index, whether it is still a SET (pre-002) or already a ZSET. */
export async function indexMembers(client: RedisClient, key: string): Promise<string[]> {
  const type = await call(() => client.type(key));
  if (type === 'none') return [];
  if (type === 'set') return call(() => client.smembers(key));
  if (type === 'zset') return call(() => client.zrange(key, '0', '-1'));
  throw new CorruptDataError(`legacy index ${key} is a ${type}, expected a set or zset`);
}

/** Every key matching a pattern, on every master (migration only: never in an operation). */
export async function scanKeys(client: RedisClient, pattern: string, type?: string): Promise<string[]> {
  const nodes = await call(() => masterNodes(client));
  const found = new Set<string>();
  for (const node of nodes) {
    let cursor = '0';
    do {
      const args: (string | number)[] = [cursor, 'MATCH', pattern, 'COUNT', 1000];
      if (type) args.push('TYPE', type);
      const [next, keys] = await call(() => node.call('SCAN', ...args) as Promise<[string, string[]]>);
      cursor = next;
      for (const key of keys) found.add(key);
    } while (cursor !== '0');
  }
  return [...found];
}

const legacyLedgerIds = ['001-initial', '002-sorted-indexes', '003-namespace-indexes'] as const;

/** Ids in the legacy ledger SET (empty when there is none). */
export async function readLegacyLedger(client: RedisClient, legacy: LegacyKeys): Promise<string[]> {
  const type = await call(() => client.type(legacy.ledger()));
  if (type === 'none') return [];
  if (type !== 'set') throw new CorruptDataError(`legacy ledger ${legacy.ledger()} is a ${type}, expected a set`);
  return call(() => client.smembers(legacy.ledger()));
}

export function isKnownLegacyId(id: string): boolean {
  return (legacyLedgerIds as readonly string[]).includes(id);
}

const legacyCreatedAt = z.looseObject({ createdAt: z.string().optional(), namespace: z.string().optional() });

/** createdAt (ms) and namespace of a legacy record JSON, as the legacy migrations read them. */
export function legacyScoreAndNamespace(raw: string | null, id: string): { score: number; namespace: string } {
  if (raw === null) return { score: 0, namespace: 'global' };
  const what = `legacy human request ${JSON.stringify(id)}`;
  const parsed = parseStored(legacyCreatedAt, parseStoredJson(raw, what), what);
  const ms = parsed.createdAt === undefined ? 0 : Date.parse(parsed.createdAt);
  return { score: Number.isFinite(ms) ? ms : 0, namespace: parsed.namespace ?? 'global' };
}
