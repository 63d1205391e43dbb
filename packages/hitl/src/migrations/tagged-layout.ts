import { Batch, keepAsGiven, parseStored, parseStoredJson, type RedisClient, toJson } from '@redstate/core';
import { z } from 'zod';
import { encodeExternalIds } from '../ext-ids.js';
import { type HitlKeys, msKey, namespaceMemberPart } from '../keys.js';
import type { LegacyKeys } from '../legacy-keys.js';
import { EXTERNAL_ID_FIELD } from '../records.js';
import { appendTimelineScript, importRequestScript } from '../scripts.js';
import { DEFAULT_NAMESPACE } from '../types.js';
import { CHUNK, call, getMany, indexMembers, readLegacyLedger, scanKeys } from './legacy-read.js';

const time = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'must be an ISO-8601 time');
// as given: a rebuilt record would drop a plugin id "__proto__"
const externalIds = keepAsGiven(z.record(z.string(), z.string())).optional();

const legacyRequest = z.looseObject({
  id: z.string().min(1),
  token: z.string().min(1),
  channel: z.string(),
  namespace: z.string().min(1).optional(),
  message: z.string(),
  actions: z.unknown(),
  context: z.unknown().optional(),
  status: z.enum(['pending', 'resolved']),
  externalId: z.string().optional(),
  externalIds,
  result: z.unknown().optional(),
  createdAt: time,
  resolvedAt: z.string().optional(),
  batchId: z.string().min(1).optional(),
  batchIndex: z.number().int().min(0).optional(),
});

const legacyBatch = z.looseObject({
  id: z.string().min(1),
  channel: z.string(),
  message: z.string().optional(),
  actions: z.unknown().optional(),
  context: z.unknown().optional(),
  externalId: z.string().optional(),
  externalIds,
  createdAt: z.string(),
});

const legacyNotify = z.looseObject({
  id: z.string().min(1),
  channel: z.string(),
  message: z.string(),
  groupId: z.string(),
  externalId: z.string().optional(),
  createdAt: z.string(),
});

const legacyEntry = z.looseObject({ id: z.string().min(1), threadId: z.string().min(1), message: z.string(), createdAt: time });

function externalIdPairs(primary: string | undefined, map: Record<string, string> | undefined): string[] {
  const pairs: string[] = [];
  if (primary !== undefined) pairs.push('ext', primary);
  for (const [plugin, value] of Object.entries(map ?? {})) pairs.push(`${EXTERNAL_ID_FIELD}${plugin}`, value);
  return pairs;
}

function optionalJson(pairs: string[], field: string, value: unknown): void {
  if (value !== undefined && value !== null) pairs.push(field, toJson(value, field));
}

/** Whether this prefix holds a @hitl-sdk/state-ioredis deployment at all. */
async function hasLegacyData(client: RedisClient, legacy: LegacyKeys): Promise<boolean> {
  if ((await readLegacyLedger(client, legacy)).length > 0) return true;
  return (await call(() => client.exists(legacy.all()))) === 1;
}

async function importRequests(client: RedisClient, keys: HitlKeys, legacy: LegacyKeys): Promise<void> {
  const ids = new Set<string>();
  for (const key of [legacy.all(), legacy.status('pending'), legacy.status('resolved')]) {
    for (const id of await indexMembers(client, key)) ids.add(id);
  }
  const all = [...ids];
  for (let i = 0; i < all.length; i += CHUNK) {
    const chunk = all.slice(i, i + CHUNK);
    const raws = await getMany(client, chunk.map((id) => legacy.request(id)));
    const records = chunk.flatMap((id, j) => {
      const raw = raws[j];
      if (raw === null || raw === undefined) return []; // indexed but never stored: nothing to keep
      const what = `legacy human request ${JSON.stringify(id)}`;
      return [parseStored(legacyRequest, parseStoredJson(raw, what), what)];
    });
    const owners = await getMany(client, records.map((r) => legacy.token(r.token)));
    const batch = new Batch(client);
    records.forEach((r, j) => {
      const ns = r.namespace ?? DEFAULT_NAMESPACE;
      const core: Record<string, unknown> = { id: r.id, token: r.token, channel: r.channel, namespace: ns, message: r.message, actions: r.actions ?? [] };
      if (r.context !== undefined && r.context !== null) core.context = r.context;
      if (r.batchId !== undefined) core.batchId = r.batchId;
      if (r.batchIndex !== undefined) core.batchIndex = r.batchIndex;
      // (KEYS index, value) pairs: the fields hashes this request gets a value in
      const fields: string[] = ['1', toJson(core, 'legacy human request'), '2', r.status, '3', r.createdAt, '5', r.channel];
      if (r.result !== undefined && r.result !== null) fields.push('6', toJson(r.result, 'result'));
      if (r.resolvedAt !== undefined) fields.push('7', r.resolvedAt);
      if (r.externalId !== undefined) fields.push('8', r.externalId);
      if (r.externalIds !== undefined && Object.keys(r.externalIds).length > 0) fields.push('9', encodeExternalIds(r.externalIds));
      const ext = [...new Set([r.externalId, ...Object.values(r.externalIds ?? {})].filter((v): v is string => !!v))];
      const inBatch = r.batchId !== undefined;
      batch.script(
        importRequestScript,
        [
          keys.requestCore(),
          keys.requestStatus(),
          keys.requestCreatedAt(),
          keys.requestPosition(),
          keys.requestChannel(),
          keys.requestResult(),
          keys.requestResolvedAt(),
          keys.requestExternalId(),
          keys.requestExternalIds(),
          keys.tokenIndex(),
          keys.externalIndex(),
          keys.all(),
          keys.status(r.status),
          keys.namespaces(),
          keys.namespacesStatus(r.status),
          inBatch ? keys.batchItems(r.batchId as string) : keys.requestCore(),
        ],
        [
          r.id,
          r.token,
          msKey(Date.parse(r.createdAt)) + namespaceMemberPart(ns),
          inBatch ? '1' : '0',
          String(r.batchIndex ?? 0),
          owners[j] === r.id ? '1' : '0',
          ext.length,
          ...ext,
          ...fields,
        ],
      );
    });
    await batch.exec();
  }
}

async function importHashes(
  client: RedisClient,
  legacyKeys: readonly string[],
  toPairs: (raw: string, legacyKey: string) => { key: string; pairs: string[] },
): Promise<void> {
  for (let i = 0; i < legacyKeys.length; i += CHUNK) {
    const chunk = legacyKeys.slice(i, i + CHUNK);
    const raws = await getMany(client, chunk);
    const items = chunk.flatMap((k, j) => (raws[j] ? [toPairs(raws[j] as string, k)] : []));
    const exists = new Batch(client);
    const refs = items.map((item) => exists.command('exists', [item.key], (raw) => raw === 1));
    const present = await exists.exec();
    const write = new Batch(client);
    items.forEach((item, j) => {
      if (!present.get(refs[j] as (typeof refs)[number])) write.command('hset', [item.key, ...item.pairs]);
    });
    if (write.length > 0) await write.exec();
  }
}

async function importBatches(client: RedisClient, keys: HitlKeys, legacy: LegacyKeys): Promise<void> {
  await importHashes(client, await scanKeys(client, legacy.batchPattern(), 'string'), (raw, k) => {
    const b = parseStored(legacyBatch, parseStoredJson(raw, `legacy batch ${k}`), `legacy batch ${k}`);
    const pairs = ['id', b.id, 'channel', b.channel, 'createdAt', b.createdAt];
    if (b.message !== undefined) pairs.push('message', b.message);
    optionalJson(pairs, 'actions', b.actions);
    optionalJson(pairs, 'context', b.context);
    pairs.push(...externalIdPairs(b.externalId, b.externalIds));
    return { key: keys.batch(b.id), pairs };
  });
}

async function importNotifyDeliveries(client: RedisClient, keys: HitlKeys, legacy: LegacyKeys): Promise<void> {
  await importHashes(client, await scanKeys(client, legacy.notifyPattern(), 'string'), (raw, k) => {
    const n = parseStored(legacyNotify, parseStoredJson(raw, `legacy notify delivery ${k}`), `legacy notify delivery ${k}`);
    const pairs = ['id', n.id, 'channel', n.channel, 'message', n.message, 'groupId', n.groupId, 'createdAt', n.createdAt];
    if (n.externalId !== undefined) pairs.push('ext', n.externalId);
    return { key: keys.notify(n.id), pairs };
  });
}

async function importTimelines(client: RedisClient, keys: HitlKeys, legacy: LegacyKeys): Promise<void> {
  for (const threadKey of await scanKeys(client, legacy.threadPattern(), 'zset')) {
    const threadId = threadKey.slice(legacy.threadPrefix().length);
    const entryIds = await call(() => client.zrange(threadKey, '0', '-1'));
    const raws = await getMany(client, entryIds.map((id) => legacy.timelineEntry(id)));
    const batch = new Batch(client);
    raws.forEach((raw, j) => {
      if (raw === null) return;
      const what = `legacy timeline entry ${JSON.stringify(entryIds[j])}`;
      const e = parseStored(legacyEntry, parseStoredJson(raw, what), what);
      if (e.threadId !== threadId) return; // an entry id reused by another thread: it belongs there
      batch.script(appendTimelineScript, [keys.thread(threadId), keys.threadEntries(threadId)], [e.id, String(Date.parse(e.createdAt)), raw]);
    });
    if (batch.length > 0) await batch.exec();
  }
}

/**
 * 004-tagged-layout: copies every legacy record (requests through the legacy indexes;
 * batches, notify deliveries and timelines, which the legacy layout never indexed, by a
 * one-time SCAN of the prefix on every master) into the one-slot layout. Legacy keys are
 * left in place. Existing new-layout records are never overwritten, so a rerun is harmless.
 * A fresh deployment (no legacy ledger, no legacy index) skips the scan entirely.
 */
export async function importLegacyLayout(client: RedisClient, keys: HitlKeys, legacy: LegacyKeys): Promise<void> {
  if (!(await hasLegacyData(client, legacy))) return;
  await importRequests(client, keys, legacy);
  await importBatches(client, keys, legacy);
  await importNotifyDeliveries(client, keys, legacy);
  await importTimelines(client, keys, legacy);
}
