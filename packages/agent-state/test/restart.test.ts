import { RedisUnavailableError } from '@redstate/core';
import { type RedisServerHandle, startRedis } from '@redstate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore, RedisStreamManager } from '../src/index.js';
import { makeState, messages } from './helpers.js';

describe('durability across a server restart (AOF, appendfsync always)', () => {
  let server: RedisServerHandle;
  beforeAll(async () => {
    server = await startRedis({ useEnv: false, appendfsync: 'always' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('state, messages, checkpoints, staging and streams survive a kill -9', async () => {
    const client = server.connect({ maxRetriesPerRequest: 1 });
    const s = new RedisStateStore({ client, keyPrefix: 'restart' });
    const m = new RedisStreamManager({ client, keyPrefix: 'restart', blockTimeout: 200 });
    await s.saveState('d', makeState('d', { customState: { big: 9007199254740991, list: [] }, messages: messages(3) }), { fencingToken: 4 });
    await s.stageChanges('d', 'step', { toolCallId: 'c', patches: [{ op: 'add', path: '/list/-', value: 'kept' }], timestamp: 1 });
    const w = await m.createWriter('st', 'a', 't');
    for (let i = 0; i < 5; i++) await w.write({ type: 'n', i });
    const before = await s.loadState('d');

    await server.kill('SIGKILL');
    await expect(s.loadState('d')).rejects.toBeInstanceOf(RedisUnavailableError);
    await server.start();
    await expect.poll(() => client.ping().catch(() => 'down'), { timeout: 10_000 }).toBe('PONG');

    expect(await s.loadState('d')).toEqual(before);
    expect((await s.promoteStaging('d', 'step')).applied).toBe(1);
    expect((await s.loadState('d'))?.customState).toEqual({ big: 9007199254740991, list: ['kept'] });
    // the fence survived too
    await expect(s.saveState('d', makeState('d'), { fencingToken: 3 })).rejects.toMatchObject({ code: 'STALE_FENCING_TOKEN' });
    expect(await w.write({ type: 'after' })).toBe(6);
    await m.endStream('st');
    const got: number[] = [];
    for await (const c of (await m.createResumableReader('st', { fromSequence: 2 }))!) got.push(c.sequence);
    expect(got).toEqual([3, 4, 5, 6]);
    client.disconnect();
  });
});
