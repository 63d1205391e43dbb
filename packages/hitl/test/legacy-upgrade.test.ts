import { CorruptDataError, SchemaTooNewError } from '@redstate/core';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisHitlState, TokenInUseError } from '../src/index.js';
import { expectedRecord, legacyRecords, writeLegacy } from './legacy-fixture.js';
import { newRecord, resolved, uniqueTable } from './helpers.js';

describe('upgrading from @hitl-sdk/state-ioredis 1.x', () => {
  const redis = useTestRedis('hitl-legacy');

  async function checkEverythingReadable(state: RedisHitlState, records: ReturnType<typeof legacyRecords>): Promise<void> {
    for (const r of records) {
      expect(await state.get(r.id)).toStrictEqual(expectedRecord(r));
      expect((await state.findByToken(r.token))?.id).toBe(r.id);
      if (r.externalIds) expect((await state.findByExternalId(r.externalIds.oncall ?? '?'))?.id).toBe(r.id);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await state.list({ limit: 7, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    const expectedOrder = [...records]
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
      .map((r) => r.id);
    expect(seen).toEqual(expectedOrder);
    expect(await state.count()).toBe(records.length);
    expect(await state.count({ status: 'resolved' })).toBe(records.filter((r) => r.status === 'resolved').length);
    expect(await state.count({ namespace: 'global', status: 'pending' })).toBe(records.filter((r) => r.status === 'pending').length);
    expect((await state.listByBatch('old-batch')).map((r) => r.id)).toEqual(['old-002', 'old-001', 'old-000']);
    expect(await state.getBatch('old-batch')).toStrictEqual({
      id: 'old-batch',
      channel: 'ops',
      message: 'three emails',
      context: { k: [] },
      externalId: 'slack-b',
      externalIds: { ops: 'slack-b' },
      createdAt: '2025-06-01T00:00:00.000Z',
    });
    expect(await state.getBatch('empty-batch')).toStrictEqual({ id: 'empty-batch', channel: 'ops', createdAt: '2025-06-02T00:00:00.000Z' });
    expect(await state.getNotifyDelivery('n-old')).toStrictEqual({
      id: 'n-old',
      channel: 'ops',
      message: 'deployed',
      groupId: 'g1',
      externalId: 'slack-n',
      createdAt: '2025-06-03T00:00:00.000Z',
    });
    expect(await state.timeline('thread-1')).toStrictEqual([
      { id: 'e1', threadId: 'thread-1', message: 'first', detail: { link: 'x', list: [] }, createdAt: '2025-06-01T00:01:00.000Z' },
      { id: 'e2', threadId: 'thread-1', message: 'second', createdAt: '2025-06-01T00:02:00.000Z' },
    ]);
    expect((await state.timeline('thread:2')).map((e) => e.id)).toEqual(['e3']);
  }

  it('pre-002 deployment (SET indexes): imports 001, runs 002, 003, 004, keeps every record', async () => {
    const tableName = uniqueTable('pre002');
    const state = new RedisHitlState(redis.client, { tableName });
    const prefix = state.keys.keyspace.prefix;
    const records = legacyRecords(25);
    await writeLegacy(redis.client, prefix, records, '001');
    const result = await state.ensureSchema();
    expect(result.applied).toEqual(['002-sorted-indexes', '003-namespace-indexes', '004-tagged-layout']);
    expect(result.current).toEqual(['001-initial', '002-sorted-indexes', '003-namespace-indexes', '004-tagged-layout']);
    // the legacy migrations did to the legacy layout what 1.x would have done
    expect(await redis.client.type(`${prefix}:idx:status:pending`)).toBe('zset');
    expect(await redis.client.type(`${prefix}:idx:all:req`)).toBe('zset');
    expect(await redis.client.zscore(`${prefix}:idx:all:req`, 'old-004')).toBe(String(Date.parse(records[4]?.createdAt ?? '')));
    expect(await redis.client.zcard(`${prefix}:idx:ns:global:status:resolved`)).toBe(records.filter((r) => r.status === 'resolved').length);
    await checkEverythingReadable(state, records);
    expect((await state.ensureSchema()).applied).toEqual([]);
  });

  it('post-003 deployment (ZSET + namespace indexes): imports 001-003 and runs only 004', async () => {
    const tableName = uniqueTable('post003');
    const records = legacyRecords(12).map((r, i) => ({ ...r, namespace: i % 2 === 0 ? 'global' : 'team-b' }));
    const prefix = new RedisHitlState(redis.client, { tableName }).keys.keyspace.prefix;
    await writeLegacy(redis.client, prefix, records, '003');
    const state = new RedisHitlState(redis.client, { tableName });
    const result = await state.ensureSchema();
    expect(result.applied).toEqual(['004-tagged-layout']);
    const ledger = await redis.client.hgetall(`${prefix}:{schema:hitl}:ledger`);
    expect(JSON.parse(ledger['002-sorted-indexes'] ?? '{}').how).toBe('imported');
    for (const r of records) expect(await state.get(r.id)).toStrictEqual(expectedRecord(r));
    expect(await state.count({ namespace: 'team-b' })).toBe(6);
    expect((await state.list({ namespace: 'team-b', status: 'pending', limit: 100 })).items.map((r) => r.id).sort()).toEqual(
      records.filter((r) => r.namespace === 'team-b' && r.status === 'pending').map((r) => r.id).sort(),
    );
  });

  it('operations before ensureSchema() migrate lazily, then the store keeps working', async () => {
    const tableName = uniqueTable('lazy');
    const state = new RedisHitlState(redis.client, { tableName });
    const records = legacyRecords(6);
    await writeLegacy(redis.client, state.keys.keyspace.prefix, records, '001');
    const pending = records.find((r) => r.status === 'pending');
    expect(await state.get(pending?.id ?? '')).toStrictEqual(expectedRecord(pending as (typeof records)[number]));
    await state.resolve(pending?.id ?? '', resolved(pending?.id ?? ''));
    expect((await state.get(pending?.id ?? ''))?.status).toBe('resolved');
    await expect(state.resolve(records[0]?.id ?? '', resolved('x'))).rejects.toThrow(/already resolved/);
    await expect(state.create(newRecord('new', { token: records[1]?.token }))).rejects.toBeInstanceOf(TokenInUseError);
    await state.create(newRecord('new'));
    expect((await state.list({ limit: 1 })).items[0]?.id).toBe('new');
    expect(await state.count()).toBe(7);
  });

  it('20 processes upgrading at once: one migration, every record once', async () => {
    const tableName = uniqueTable('herd');
    const records = legacyRecords(40);
    const prefix = new RedisHitlState(redis.client, { tableName }).keys.keyspace.prefix;
    await writeLegacy(redis.client, prefix, records, '001');
    const results = await Promise.all(Array.from({ length: 20 }, () => new RedisHitlState(redis.connect(), { tableName }).ensureSchema()));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(['002-sorted-indexes', '003-namespace-indexes', '004-tagged-layout']);
    const state = new RedisHitlState(redis.client, { tableName });
    expect(await state.count()).toBe(40);
  });

  it('a legacy ledger with a migration we do not know: SchemaTooNewError, nothing written', async () => {
    const tableName = uniqueTable('newer');
    const state = new RedisHitlState(redis.client, { tableName });
    const prefix = state.keys.keyspace.prefix;
    await writeLegacy(redis.client, prefix, legacyRecords(3), '003');
    await redis.client.sadd(`${prefix}:meta:migrations`, '004-something-newer');
    const before = (await keysMatching(redis.client, `${prefix}:*`)).sort();
    await expect(state.ensureSchema()).rejects.toBeInstanceOf(SchemaTooNewError);
    await expect(state.get('old-000')).rejects.toBeInstanceOf(SchemaTooNewError);
    expect((await keysMatching(redis.client, `${prefix}:*`)).sort()).toEqual(before);
  });

  it('a corrupt legacy record stops the migration (not recorded); after fixing it a retry completes', async () => {
    const tableName = uniqueTable('corrupt');
    const state = new RedisHitlState(redis.client, { tableName });
    const prefix = state.keys.keyspace.prefix;
    const records = legacyRecords(5);
    await writeLegacy(redis.client, prefix, records, '003');
    await redis.client.set(`${prefix}:req:old-002`, '{"id": "old-002", broken');
    await expect(state.ensureSchema()).rejects.toBeInstanceOf(CorruptDataError);
    await expect(state.get('old-000')).rejects.toBeInstanceOf(CorruptDataError);
    expect(await redis.client.hexists(`${prefix}:{schema:hitl}:ledger`, '004-tagged-layout')).toBe(0);
    await redis.client.set(`${prefix}:req:old-002`, JSON.stringify(records[2]));
    expect((await state.ensureSchema()).applied).toEqual(['004-tagged-layout']);
    for (const r of records) expect(await state.get(r.id)).toStrictEqual(expectedRecord(r));
  });

  it('an error inside a migration pipeline is raised, never swallowed', async () => {
    const tableName = uniqueTable('wrongtype');
    const state = new RedisHitlState(redis.client, { tableName });
    const prefix = state.keys.keyspace.prefix;
    await writeLegacy(redis.client, prefix, legacyRecords(4), '003');
    await redis.client.set(state.keys.tokenIndex(), 'not a hash');
    await expect(state.ensureSchema()).rejects.toThrow(/WRONGTYPE/);
    expect(await redis.client.hexists(`${prefix}:{schema:hitl}:ledger`, '004-tagged-layout')).toBe(0);
  });

  it('a fresh deployment applies everything without touching legacy keys', async () => {
    const state = new RedisHitlState(redis.client, { tableName: uniqueTable('fresh') });
    expect((await state.ensureSchema()).applied).toEqual(['001-initial', '002-sorted-indexes', '003-namespace-indexes', '004-tagged-layout']);
    expect(await keysMatching(redis.client, `${state.keys.keyspace.prefix}:*`)).toEqual([`${state.keys.keyspace.prefix}:{schema:hitl}:ledger`]);
  });
});
