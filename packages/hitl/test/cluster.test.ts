import { verifyScripts } from '@redstate/core';
import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { hitlScripts, RedisHitlState, TokenInUseError } from '../src/index.js';
import { newRecord, resolved, uniqueTable } from './helpers.js';
import { expectedRecord, legacyRecords, writeLegacy } from './legacy-fixture.js';

describe.runIf(hasTestCluster())('RedisHitlState on a 3-master cluster', () => {
  const cluster = useTestCluster('hitl-cluster');
  const slotOf = async (key: string) => Number(await cluster.client.cluster('KEYSLOT', key));

  it('every operation runs without CROSSSLOT and every key of a table shares one slot', async () => {
    const state = new RedisHitlState(cluster.client, { tableName: uniqueTable('cl') });
    await state.ensureSchema();
    await state.createBatch({ id: 'b:1', channel: 'c' });
    for (let i = 0; i < 30; i++) {
      await state.create(newRecord(`id {${i}}`, { namespace: `ns-${i % 3}`, batchId: 'b:1', batchIndex: 30 - i }));
    }
    await expect(state.create(newRecord('dupe', { token: 'tok_id {0}' }))).rejects.toBeInstanceOf(TokenInUseError);
    await state.setExternalId('id {1}', 'ext:1');
    await state.setExternalId('id {1}', 'page:1', 'oncall');
    await state.resolve('id {2}', resolved('id {2}'));
    expect((await state.get('id {2}'))?.status).toBe('resolved');
    expect((await state.findByToken('tok_id {3}'))?.id).toBe('id {3}');
    expect((await state.findByExternalId('page:1'))?.id).toBe('id {1}');
    const page = await state.list({ namespace: 'ns-1', limit: 4 });
    const next = await state.list({ namespace: 'ns-1', limit: 100, cursor: page.nextCursor });
    expect(page.items.length + next.items.length).toBe(10);
    expect(await state.count({ status: 'pending' })).toBe(29);
    expect((await state.listByBatch('b:1'))[0]?.id).toBe('id {29}');
    await state.setBatchExternalId('b:1', 'bx');
    expect((await state.getBatch('b:1'))?.externalId).toBe('bx');
    await state.appendTimeline({ id: 't1', threadId: 'th:1', message: 'm', createdAt: '2026-01-01T00:00:00.000Z' });
    expect(await state.timeline('th:1')).toHaveLength(1);
    await state.createNotifyDelivery({ id: 'n1', channel: 'c', message: 'm', groupId: 'g' });
    await state.setNotifyDeliveryExternalId('n1', 'nx');
    expect((await state.getNotifyDelivery('n1'))?.externalId).toBe('nx');

    const k = state.keys;
    const keys = [...k.requestReadKeys(), k.requestPosition(), k.requestChannel(), k.tokenIndex(), k.externalIndex(), k.all(), k.namespaces(), k.namespacesStatus('pending'), k.batch('b:1'), k.batchItems('b:1'), k.thread('th:1'), k.notify('n1')];
    const slots = new Set(await Promise.all(keys.map(slotOf)));
    expect(slots.size).toBe(1);
    expect(await verifyScripts(cluster.client, hitlScripts)).toEqual([]);
  });

  it('upgrades a legacy deployment whose keys are spread over every master', async () => {
    const tableName = uniqueTable('cllegacy');
    const state = new RedisHitlState(cluster.client, { tableName });
    const records = legacyRecords(30);
    await writeLegacy(cluster.client, state.keys.keyspace.prefix, records, '001');
    const legacySlots = new Set(await Promise.all(records.map((r) => slotOf(`${state.keys.keyspace.prefix}:req:${r.id}`))));
    expect(legacySlots.size).toBeGreaterThan(1);
    const result = await state.ensureSchema();
    expect(result.applied).toEqual(['002-sorted-indexes', '003-namespace-indexes', '004-tagged-layout']);
    for (const r of records) expect(await state.get(r.id)).toStrictEqual(expectedRecord(r));
    expect(await state.count()).toBe(30);
    expect((await state.list({ limit: 100 })).items).toHaveLength(30);
    expect((await state.timeline('thread-1')).map((e) => e.id)).toEqual(['e1', 'e2']);
    expect((await state.getBatch('old-batch'))?.externalId).toBe('slack-b');
    expect((await state.getNotifyDelivery('n-old'))?.externalId).toBe('slack-n');
  });
});
