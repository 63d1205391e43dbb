import { CorruptDataError } from '@redstate/core';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisHitlState } from '../src/index.js';
import { expectedRecord, legacyRecords, writeLegacy } from './legacy-fixture.js';
import { newRecord, newState, resolved, uniqueTable } from './helpers.js';

// Redis keeps a script's earlier writes when a later command fails, so a key of another type
// must be refused before anything is written: the operation reports CorruptDataError and every
// key of the table is exactly as it was.
describe('corrupt stored data never leaves a half-done write', () => {
  const redis = useTestRedis('hitl-corrupt');

  /** Every key under the prefix with its type and full content. */
  async function snapshot(prefix: string): Promise<Record<string, unknown>> {
    const c = redis.client;
    const out: Record<string, unknown> = {};
    for (const key of (await keysMatching(c, `${prefix}:*`)).sort()) {
      const type = await c.type(key);
      if (type === 'hash') out[key] = await c.hgetall(key);
      else if (type === 'zset') out[key] = await c.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'set') out[key] = (await c.smembers(key)).sort();
      else if (type === 'list') out[key] = await c.lrange(key, 0, -1);
      else out[key] = [type, await c.get(key)];
    }
    return out;
  }

  /** Replaces a key by a string (a key of another type). */
  async function clobber(key: string): Promise<void> {
    await redis.client.del(key);
    await redis.client.set(key, 'garbage');
  }

  const resolveKeys: [string, (s: RedisHitlState) => string][] = [
    ['result hash', (s) => s.keys.requestResult()],
    ['resolvedAt hash', (s) => s.keys.requestResolvedAt()],
    ['pending index', (s) => s.keys.status('pending')],
    ['resolved index', (s) => s.keys.status('resolved')],
    ['namespace pending index', (s) => s.keys.namespacesStatus('pending')],
    ['namespace resolved index', (s) => s.keys.namespacesStatus('resolved')],
  ];

  for (const [name, keyOf] of resolveKeys) {
    it(`resolve with a corrupt ${name}: CorruptDataError, nothing written, a retry after repair resolves`, async () => {
      const state = newState(redis.client, 'res');
      await state.create(newRecord('a'));
      await state.create(newRecord('b'));
      await state.resolve('b', resolved('b'));
      await clobber(keyOf(state));
      const before = await snapshot(state.keys.keyspace.prefix);
      await expect(state.resolve('a', resolved('a'))).rejects.toBeInstanceOf(CorruptDataError);
      expect(await snapshot(state.keys.keyspace.prefix)).toEqual(before);
      await redis.client.del(keyOf(state));
      await state.resolve('a', resolved('a'));
      expect((await state.get('a'))?.status).toBe('resolved');
    });
  }

  const createKeys: [string, (s: RedisHitlState) => string][] = [
    ['status hash', (s) => s.keys.requestStatus()],
    ['createdAt hash', (s) => s.keys.requestCreatedAt()],
    ['position hash', (s) => s.keys.requestPosition()],
    ['channel hash', (s) => s.keys.requestChannel()],
    ['all index', (s) => s.keys.all()],
    ['pending index', (s) => s.keys.status('pending')],
    ['namespace index', (s) => s.keys.namespaces()],
    ['namespace pending index', (s) => s.keys.namespacesStatus('pending')],
    ['batch items index', (s) => s.keys.batchItems('bt')],
  ];

  for (const [name, keyOf] of createKeys) {
    it(`create with a corrupt ${name}: CorruptDataError, nothing written, a retry after repair creates`, async () => {
      const state = newState(redis.client, 'cre');
      await state.create(newRecord('a', { batchId: 'bt', batchIndex: 0 }));
      await clobber(keyOf(state));
      const before = await snapshot(state.keys.keyspace.prefix);
      const record = newRecord('b', { batchId: 'bt', batchIndex: 1 });
      await expect(state.create(record)).rejects.toBeInstanceOf(CorruptDataError);
      expect(await snapshot(state.keys.keyspace.prefix)).toEqual(before);
      await redis.client.del(keyOf(state));
      await state.create(record);
      expect((await state.findByToken(record.token))?.id).toBe('b');
      expect(await redis.client.zscore(state.keys.batchItems('bt'), 'b')).toBe('1');
    });
  }

  it('migration 004 with a corrupt batch index: the batch requests are not half imported; a retry imports them', async () => {
    const tableName = uniqueTable('imp');
    const state = new RedisHitlState(redis.client, { tableName });
    const prefix = state.keys.keyspace.prefix;
    const records = legacyRecords(5);
    await writeLegacy(redis.client, prefix, records, '003');
    await clobber(state.keys.batchItems('old-batch'));
    await expect(state.ensureSchema()).rejects.toBeInstanceOf(CorruptDataError);
    // the three batch requests (old-000..old-002) left no trace in the new layout
    const stored = await snapshot(state.keys.requestCore().replace(/:req:core$/, ''));
    const mentions = JSON.stringify(stored).match(/old-00[012]/g);
    expect(mentions).toBeNull();
    await redis.client.del(state.keys.batchItems('old-batch'));
    expect((await state.ensureSchema()).applied).toEqual(['004-tagged-layout']);
    for (const r of records) expect(await state.get(r.id)).toStrictEqual(expectedRecord(r));
    expect((await state.listByBatch('old-batch')).map((r) => r.id)).toEqual(['old-002', 'old-001', 'old-000']);
  });

  for (const [name, keyOf] of [
    ['entries hash', (s: RedisHitlState) => s.keys.threadEntries('t1')],
    ['thread index', (s: RedisHitlState) => s.keys.thread('t1')],
  ] as const) {
    it(`appendTimeline with a corrupt ${name}: CorruptDataError, nothing written`, async () => {
      const state = newState(redis.client, 'tl');
      await state.appendTimeline({ id: 'e1', threadId: 't1', message: 'one', createdAt: '2025-06-01T00:00:00.000Z' });
      await clobber(keyOf(state));
      const before = await snapshot(state.keys.keyspace.prefix);
      const entry = { id: 'e2', threadId: 't1', message: 'two', createdAt: '2025-06-01T00:01:00.000Z' };
      await expect(state.appendTimeline(entry)).rejects.toBeInstanceOf(CorruptDataError);
      expect(await snapshot(state.keys.keyspace.prefix)).toEqual(before);
      await redis.client.del(keyOf(state));
      await state.appendTimeline(entry);
      expect((await state.timeline('t1')).map((e) => e.id)).toContain('e2');
    });
  }
});
