import { NotFoundError } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { AlreadyResolvedError, type HumanRequestRecord, RedisHitlState } from '../src/index.js';
import { newRecord, newState, resolved } from './helpers.js';

describe('RedisHitlState contract', () => {
  const redis = useTestRedis('hitl-contract');
  const fresh = () => newState(redis.client, 'c');

  it('creates and gets a pending record with a server createdAt', async () => {
    const state = fresh();
    const before = Date.now();
    await state.create(newRecord('a1'));
    const record = await state.get('a1');
    expect(record).toEqual({
      ...newRecord('a1'),
      namespace: 'global',
      status: 'pending',
      createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    });
    const ms = Date.parse(record?.createdAt ?? '');
    expect(ms).toBeGreaterThanOrEqual(before - 5_000);
    expect(new Date(ms).toISOString()).toBe(record?.createdAt);
  });

  it('returns null for unknown ids, tokens, external ids, batches and deliveries', async () => {
    const state = fresh();
    await state.create(newRecord('a1'));
    expect(await state.get('missing')).toBeNull();
    expect(await state.findByToken('missing')).toBeNull();
    expect(await state.findByExternalId('missing')).toBeNull();
    expect(await state.getBatch('missing')).toBeNull();
    expect(await state.getNotifyDelivery('missing')).toBeNull();
    expect(await state.listByBatch('missing')).toEqual([]);
    expect(await state.timeline('missing')).toEqual([]);
  });

  it('finds a record by resume token', async () => {
    const state = fresh();
    await state.create(newRecord('a1'));
    await state.create(newRecord('a2'));
    expect(await state.findByToken('tok_a2')).toMatchObject({ id: 'a2', token: 'tok_a2' });
  });

  it('attaches external ids per channel and plugin, and finds by any of them', async () => {
    const state = fresh();
    await state.create(newRecord('a1'));
    await state.setExternalId('a1', 'slack-ts-primary');
    await state.setExternalId('a1', 'slack-ts-oncall', 'oncall');
    const record = await state.get('a1');
    expect(record?.externalId).toBe('slack-ts-primary');
    expect(record?.externalIds).toEqual({ 'lead-approvals': 'slack-ts-primary', oncall: 'slack-ts-oncall' });
    expect(await state.findByExternalId('slack-ts-oncall')).toMatchObject({ id: 'a1' });
    expect(await state.findByExternalId('slack-ts-primary')).toMatchObject({ id: 'a1' });
  });

  it('pluginId equal to the channel also sets externalId; a replaced value is no longer found', async () => {
    const state = fresh();
    await state.create(newRecord('a1'));
    await state.setExternalId('a1', 'first', 'oncall');
    expect((await state.get('a1'))?.externalId).toBeUndefined();
    await state.setExternalId('a1', 'second', 'oncall');
    expect(await state.findByExternalId('first')).toBeNull();
    expect(await state.findByExternalId('second')).toMatchObject({ id: 'a1' });
    await state.setExternalId('a1', 'primary', 'lead-approvals');
    expect((await state.get('a1'))?.externalId).toBe('primary');
    expect((await state.get('a1'))?.externalIds).toEqual({ oncall: 'second', 'lead-approvals': 'primary' });
  });

  it('setExternalId on an unknown request throws NotFoundError and writes nothing', async () => {
    const state = fresh();
    await expect(state.setExternalId('missing', 'x')).rejects.toThrow(/unknown human request/i);
    await expect(state.setExternalId('missing', 'x')).rejects.toBeInstanceOf(NotFoundError);
    expect(await state.findByExternalId('x')).toBeNull();
    expect(await redis.client.hexists(state.keys.requestChannel(), 'missing')).toBe(0);
    expect(await redis.client.hexists(state.keys.requestExternalIds(), 'missing')).toBe(0);
  });

  it('resolves with result and resolvedAt; twice throws; unknown throws', async () => {
    const state = fresh();
    await state.create(newRecord('a1'));
    const result = resolved('a1');
    await state.resolve('a1', result);
    const record = await state.get('a1');
    expect(record?.status).toBe('resolved');
    expect(record?.result).toEqual(result);
    expect(Date.parse(record?.resolvedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(record?.createdAt ?? ''));
    const second = state.resolve('a1', resolved('a1', 'deny'));
    await expect(second).rejects.toThrow(/already resolved/i);
    await expect(state.resolve('a1', resolved('a1', 'deny'))).rejects.toBeInstanceOf(AlreadyResolvedError);
    expect((await state.get('a1'))?.result).toEqual(result);
    await expect(state.resolve('missing', resolved('missing'))).rejects.toThrow(/unknown human request/i);
    await expect(state.resolve('missing', resolved('missing'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('resolves with a TIMED_OUT result', async () => {
    const state = fresh();
    await state.create(newRecord('a1'));
    await state.resolve('a1', { type: 'TIMED_OUT', id: 'a1', externalRef: 'ref' });
    expect((await state.get('a1'))?.result).toEqual({ type: 'TIMED_OUT', id: 'a1', externalRef: 'ref' });
  });

  it('lists and counts by status and namespace', async () => {
    const state = fresh();
    await state.create(newRecord('a1'));
    await state.create(newRecord('a2'));
    await state.create(newRecord('b1', { namespace: 'team-b' }));
    await state.create(newRecord('b2', { namespace: 'team-b' }));
    await state.resolve('a1', resolved('a1'));
    await state.resolve('b2', resolved('b2'));
    const ids = async (filter: Parameters<RedisHitlState['list']>[0]) => (await state.list(filter)).items.map((r) => r.id).sort();
    expect(await ids({ status: 'pending' })).toEqual(['a2', 'b1']);
    expect(await ids({ status: 'resolved' })).toEqual(['a1', 'b2']);
    expect(await ids(undefined)).toEqual(['a1', 'a2', 'b1', 'b2']);
    expect(await ids({ namespace: 'team-b' })).toEqual(['b1', 'b2']);
    expect(await ids({ namespace: 'team-b', status: 'pending' })).toEqual(['b1']);
    expect(await ids({ namespace: 'global', status: 'resolved' })).toEqual(['a1']);
    expect(await ids({ namespace: 'nobody' })).toEqual([]);
    expect(await state.count()).toBe(4);
    expect(await state.count({ status: 'pending' })).toBe(2);
    expect(await state.count({ status: 'resolved' })).toBe(2);
    expect(await state.count({ namespace: 'team-b' })).toBe(2);
    expect(await state.count({ namespace: 'team-b', status: 'resolved' })).toBe(1);
    expect(await state.count({ namespace: 'nobody' })).toBe(0);
  });

  it('pages newest first by (createdAt desc, id desc), each record once, no cursor on the last page', async () => {
    const state = fresh();
    const ids = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
    for (const id of ids) await state.create(newRecord(id));
    const seen: HumanRequestRecord[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await state.list({ limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBe(4);
    expect(seen.map((r) => r.id).sort()).toEqual(ids);
    for (let i = 1; i < seen.length; i++) {
      const [prev, curr] = [seen[i - 1] as HumanRequestRecord, seen[i] as HumanRequestRecord];
      expect(prev.createdAt > curr.createdAt || (prev.createdAt === curr.createdAt && prev.id > curr.id)).toBe(true);
    }
    const exact = await state.list({ limit: 7 });
    expect(exact.items).toHaveLength(7);
    expect(exact.nextCursor).toBeUndefined();
  });

  it('cursor is base64url of createdAt|id of the last item', async () => {
    const state = fresh();
    await state.create(newRecord('a1'));
    await state.create(newRecord('a2'));
    const page = await state.list({ limit: 1 });
    const last = page.items[0] as HumanRequestRecord;
    expect(Buffer.from(page.nextCursor ?? '', 'base64url').toString('utf8')).toBe(`${last.createdAt}|${last.id}`);
  });

  it('limit defaults to 50 and is clamped to [1, 10000]', async () => {
    const state = fresh();
    for (let i = 0; i < 55; i++) await state.create(newRecord(`r${String(i).padStart(2, '0')}`));
    expect((await state.list()).items).toHaveLength(50);
    expect((await state.list({ limit: 0 })).items).toHaveLength(1);
    expect((await state.list({ limit: -5 })).items).toHaveLength(1);
    expect((await state.list({ limit: 2.9 })).items).toHaveLength(2);
    const huge = await state.list({ limit: 1e9 });
    expect(huge.items).toHaveLength(55);
    expect(huge.nextCursor).toBeUndefined();
  });

  it('a cursor keeps working after its record leaves the filtered index', async () => {
    const state = fresh();
    for (const id of ['p1', 'p2', 'p3', 'p4']) await state.create(newRecord(id));
    const first = await state.list({ status: 'pending', limit: 2 });
    const last = first.items[1] as HumanRequestRecord;
    await state.resolve(last.id, resolved(last.id));
    const rest = await state.list({ status: 'pending', limit: 10, cursor: first.nextCursor });
    const all = [...first.items, ...rest.items].map((r) => r.id);
    expect(new Set(all)).toEqual(new Set(['p1', 'p2', 'p3', 'p4']));
    expect(all).toHaveLength(4);
  });

  it('round-trips JSON payloads exactly', async () => {
    const state = fresh();
    const context = {
      empty: [],
      emptyObj: {},
      big: 2 ** 53 - 1,
      bigger: 1.2345678901234567e19,
      float: 0.1 + 0.2,
      tiny: 5e-324,
      unicode: 'héllo \u{1F600} 日本 \u0000 "quoted"',
      nested: [[], [{}], { a: [1, null, true] }],
    };
    const actions = [{ id: 'submit', fields: { x: { type: 'number', options: [] } } }];
    await state.create(newRecord('j1', { context, actions }));
    const result = { type: 'RESOLVED' as const, actionId: 'submit', id: 'j1', externalRef: '', feedbacks: { list: [], n: 1e21 }, edited: { x: [] } };
    await state.resolve('j1', result);
    const record = await state.get('j1');
    expect(JSON.stringify(record?.context)).toBe(JSON.stringify(context));
    expect(JSON.stringify(record?.actions)).toBe(JSON.stringify(actions));
    expect(JSON.stringify(record?.result)).toBe(JSON.stringify(result));
    await state.appendTimeline({ id: 't1', threadId: 'th', message: 'm', detail: context, createdAt: '2026-01-01T00:00:00.000Z' });
    expect(JSON.stringify((await state.timeline('th'))[0]?.detail)).toBe(JSON.stringify(context));
  });

  it('ids with : { } * spaces and unicode work and never collide', async () => {
    const state = fresh();
    const ids = ['a:b', 'a{b}', '*', 'with space', 'ünï\u{1F600}', 'a%3Ab', 'a-b', 'a/b'];
    for (const id of ids) await state.create(newRecord(id, { token: `t:${id}`, batchId: 'b{1}', batchIndex: ids.indexOf(id) }));
    for (const id of ids) {
      expect((await state.get(id))?.id).toBe(id);
      expect((await state.findByToken(`t:${id}`))?.id).toBe(id);
    }
    expect((await state.listByBatch('b{1}')).map((r) => r.id)).toEqual(ids);
    expect((await state.list({ limit: 100 })).items.map((r) => r.id).sort()).toEqual([...ids].sort());
    for (const id of ids) await state.resolve(id, resolved(id));
    expect(await state.count({ status: 'resolved' })).toBe(ids.length);
    expect(await state.count({ namespace: 'global', status: 'pending' })).toBe(0);
  });

  it('batches: create, get, external ids, unknown batch', async () => {
    const state = fresh();
    await state.createBatch({ id: 'b1', channel: 'lead-approvals', message: 'Outbound emails', actions: [{ id: 'approve' }], context: { k: [] } });
    const batch = await state.getBatch('b1');
    expect(batch).toEqual({
      id: 'b1',
      channel: 'lead-approvals',
      message: 'Outbound emails',
      actions: [{ id: 'approve' }],
      context: { k: [] },
      createdAt: expect.any(String),
    });
    await state.setBatchExternalId('b1', 'slack-ts-primary');
    await state.setBatchExternalId('b1', 'slack-ts-oncall', 'oncall');
    const updated = await state.getBatch('b1');
    expect(updated?.externalId).toBe('slack-ts-primary');
    expect(updated?.externalIds).toEqual({ 'lead-approvals': 'slack-ts-primary', oncall: 'slack-ts-oncall' });
    await expect(state.setBatchExternalId('missing', 'x')).rejects.toThrow(/unknown batch/i);
    await expect(state.setBatchExternalId('missing', 'x')).rejects.toBeInstanceOf(NotFoundError);
    await state.createBatch({ id: 'b2', channel: 'c' });
    expect(await state.getBatch('b2')).toEqual({ id: 'b2', channel: 'c', createdAt: expect.any(String) });
  });

  it('listByBatch orders by batchIndex regardless of insertion order and round-trips batch fields', async () => {
    const state = fresh();
    await state.createBatch({ id: 'b1', channel: 'lead-approvals' });
    await state.create(newRecord('a2', { batchId: 'b1', batchIndex: 2 }));
    await state.create(newRecord('a0', { batchId: 'b1', batchIndex: 0 }));
    await state.create(newRecord('a10', { batchId: 'b1', batchIndex: 10 }));
    await state.create(newRecord('a1', { batchId: 'b1', batchIndex: 1 }));
    await state.create(newRecord('loose'));
    expect((await state.listByBatch('b1')).map((r) => r.id)).toEqual(['a0', 'a1', 'a2', 'a10']);
    const a0 = await state.get('a0');
    expect(a0?.batchId).toBe('b1');
    expect(a0?.batchIndex).toBe(0);
  });

  it('timeline: entries of a thread in createdAt order, exact shape', async () => {
    const state = fresh();
    await state.appendTimeline({ id: 't2', threadId: 'step-1', message: 'Follow-up', createdAt: '2026-01-01T00:01:00.000Z' });
    await state.appendTimeline({ id: 't1', threadId: 'step-1', message: 'CRM context', detail: { link: 'https://example.com' }, createdAt: '2026-01-01T00:00:00.000Z' });
    await state.appendTimeline({ id: 't3', threadId: 'step-2', message: 'other', createdAt: '2025-01-01T00:00:00.000Z' });
    const entries = await state.timeline('step-1');
    expect(entries).toStrictEqual([
      { id: 't1', threadId: 'step-1', message: 'CRM context', detail: { link: 'https://example.com' }, createdAt: '2026-01-01T00:00:00.000Z' },
      { id: 't2', threadId: 'step-1', message: 'Follow-up', createdAt: '2026-01-01T00:01:00.000Z' },
    ]);
    expect((await state.timeline('step-2')).map((e) => e.id)).toEqual(['t3']);
  });

  it('notify deliveries: create, get, external id, unknown', async () => {
    const state = fresh();
    await state.createNotifyDelivery({ id: 'n1', channel: 'lead-approvals', message: 'Deploy started', groupId: 'step-1' });
    expect(await state.getNotifyDelivery('n1')).toStrictEqual({
      id: 'n1',
      channel: 'lead-approvals',
      message: 'Deploy started',
      groupId: 'step-1',
      createdAt: expect.any(String),
    });
    await state.setNotifyDeliveryExternalId('n1', 'slack-ts-123');
    expect((await state.getNotifyDelivery('n1'))?.externalId).toBe('slack-ts-123');
    await expect(state.setNotifyDeliveryExternalId('missing', 'x')).rejects.toThrow(/unknown notify delivery/i);
  });

  it('the default table uses the prefix hitl:human_requests and one hash slot', async () => {
    const state = new RedisHitlState(redis.client);
    expect(state.keys.requestCore()).toBe('hitl:human_requests:{hitl.human_requests}:req:core');
    expect(state.keys.batch('a:1')).toBe('hitl:human_requests:{hitl.human_requests}:batch:a%3A1');
    expect(state.keys.tokenIndex()).toBe('hitl:human_requests:{hitl.human_requests}:idx:token');
    const custom = new RedisHitlState(redis.client, { tableName: 'custom_approvals' });
    expect(custom.keys.all()).toBe('custom_approvals:{custom_approvals}:idx:all');
  });
});
