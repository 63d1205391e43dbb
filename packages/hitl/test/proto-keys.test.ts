import { useTestRedis } from '@redstate/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { type HumanActions, type HumanResult, RedisHitlState } from '../src/index.js';
import { writeLegacy } from './legacy-fixture.js';
import { newRecord, newState, uniqueTable } from './helpers.js';

// JSON.parse makes "__proto__" an own data property; these are the shapes users can send.
const context = (): Record<string, unknown> => JSON.parse('{"__proto__": {"polluted": "yes"}, "a": 1, "deep": {"__proto__": 2}}');
const actions = (): HumanActions =>
  JSON.parse(
    '[{"id": "approve", "__proto__": {"polluted": "yes"}, "fields": {' +
      '"__proto__": {"type": "text", "__proto__": {"polluted": "yes"}}, "note": {"__proto__": "x", "type": "text"}}}, {"id": "deny"}]',
  );
const result = (id: string): HumanResult =>
  JSON.parse(
    `{"type": "RESOLVED", "actionId": "approve", "id": ${JSON.stringify(id)}, "externalRef": "", ` +
      '"__proto__": {"polluted": "yes"}, "feedbacks": {"__proto__": {"polluted": "yes"}, "n": 1}}',
  );

function expectKept(readBack: unknown, original: unknown): void {
  expect(JSON.stringify(readBack)).toBe(JSON.stringify(original));
}

/** externalIds live in a Redis hash for batches, whose field order is not kept: compare entries. */
function expectSameEntries(readBack: object | undefined, original: object): void {
  expect(JSON.stringify(Object.entries(readBack ?? {}).sort())).toBe(JSON.stringify(Object.entries(original).sort()));
}

function expectOwnProto(value: unknown): void {
  expect(Object.hasOwn(value as object, '__proto__')).toBe(true);
}

describe('own "__proto__" keys in user JSON', () => {
  const redis = useTestRedis('hitl-proto');

  afterEach(() => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('request context and actions (top level, fields map, field object) survive create and every read', async () => {
    const state = newState(redis.client, 'proto_req');
    await state.createBatch({ id: 'b', channel: 'c' });
    await state.create(newRecord('r1', { context: context(), actions: actions(), batchId: 'b', batchIndex: 0 }));
    const reads = [
      await state.get('r1'),
      await state.findByToken('tok_r1'),
      (await state.list()).items[0],
      (await state.listByBatch('b'))[0],
    ];
    for (const got of reads) {
      expectKept(got?.context, context());
      expectKept(got?.actions, actions());
      expectOwnProto(got?.context);
      const action = got?.actions[0];
      expectOwnProto(action);
      expectOwnProto(action?.fields);
      expectOwnProto(action?.fields?.note);
      expectOwnProto(Object.getOwnPropertyDescriptor(action?.fields ?? {}, '__proto__')?.value);
    }
  });

  it('a resolved result (top level and feedbacks) survives resolve and get', async () => {
    const state = newState(redis.client, 'proto_res');
    await state.create(newRecord('r1'));
    await state.resolve('r1', result('r1'));
    const got = (await state.get('r1'))?.result;
    expectKept(got, result('r1'));
    expectOwnProto(got);
    expectOwnProto(got?.type === 'RESOLVED' ? got.feedbacks : undefined);
  });

  it('batch actions and context survive createBatch and getBatch', async () => {
    const state = newState(redis.client, 'proto_batch');
    await state.createBatch({ id: 'b', channel: 'c', actions: actions(), context: context() });
    const got = await state.getBatch('b');
    expectKept(got?.actions, actions());
    expectKept(got?.context, context());
    expectOwnProto(got?.context);
    expectOwnProto(got?.actions?.[0]?.fields);
  });

  it('timeline detail survives appendTimeline and timeline', async () => {
    const state = newState(redis.client, 'proto_tl');
    await state.appendTimeline({ id: 'e1', threadId: 't', message: 'm', detail: context(), createdAt: '2026-01-01T00:00:00.000Z' });
    const [got] = await state.timeline('t');
    expectKept(got?.detail, context());
    expectOwnProto(got?.detail);
  });

  it('a plugin id "__proto__" is kept in externalIds of requests and batches', async () => {
    const state = newState(redis.client, 'proto_ext');
    await state.create(newRecord('r1'));
    await state.setExternalId('r1', 'e1', '__proto__');
    await state.createBatch({ id: 'b', channel: 'c' });
    await state.setBatchExternalId('b', 'e2', '__proto__');
    const ids = (await state.get('r1'))?.externalIds;
    expectSameEntries(ids, JSON.parse('{"__proto__": "e1"}'));
    expectOwnProto(ids);
    const batchIds = (await state.getBatch('b'))?.externalIds;
    expectSameEntries(batchIds, JSON.parse('{"__proto__": "e2"}'));
    expectOwnProto(batchIds);
  });

  it('the legacy import keeps "__proto__" keys of externalIds, context, actions and result', async () => {
    const state = new RedisHitlState(redis.client, { tableName: uniqueTable('proto_legacy') });
    const prefix = state.keys.keyspace.prefix;
    const externalIds = JSON.parse('{"__proto__": "slack-p", "ops": "slack-o"}');
    const legacy = {
      ...newRecord('old-1'),
      actions: actions(),
      context: context(),
      status: 'resolved' as const,
      externalIds,
      result: result('old-1'),
      createdAt: '2025-06-01T00:00:00.000Z',
      resolvedAt: '2025-06-01T00:01:00.000Z',
    };
    await writeLegacy(redis.client, prefix, [legacy], '003');
    await redis.client.set(
      `${prefix}:batch:proto-batch`,
      JSON.stringify({ id: 'proto-batch', channel: 'ops', actions: actions(), context: context(), externalIds, createdAt: '2025-06-01T00:00:00.000Z' }),
    );
    await state.ensureSchema();
    const got = await state.get('old-1');
    expectSameEntries(got?.externalIds, externalIds);
    expectOwnProto(got?.externalIds);
    expectKept(got?.context, context());
    expectKept(got?.actions, actions());
    expectKept(got?.result, result('old-1'));
    expect((await state.findByExternalId('slack-p'))?.id).toBe('old-1');
    const batch = await state.getBatch('proto-batch');
    expectSameEntries(batch?.externalIds, externalIds);
    expectOwnProto(batch?.externalIds);
    expectKept(batch?.context, context());
    expectKept(batch?.actions, actions());
  });
});
