import { ValidationError } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { type AgentStateInput, type Message, RedisStateStore, RedisStreamManager } from '../src/index.js';
import { keysUnder, makeState } from './helpers.js';

describe('bad input: typed errors, nothing written', () => {
  const redis = useTestRedis('agent-bad');

  it('rejects bad session ids, states, messages and options', async () => {
    const prefix = redis.newPrefix('bad');
    const s = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const badStates: unknown[] = [
      null,
      {},
      makeState('x', { status: 'sleeping' as never }),
      makeState('x', { stepCount: -1 }),
      makeState('x', { stepCount: 1.5 }),
      makeState('x', { customState: [] as never }),
      makeState('x', { customState: { f: () => 1 } as never }),
      makeState('x', { customState: { n: Number.NaN } }),
      makeState('x', { customState: { big: 10n } as never }),
      makeState('x', { customState: cyclic as never }),
      makeState('x', { messages: [{ role: 'robot' } as never] }),
      makeState('x', { messages: [{ role: 'user', content: undefined, x: () => 1 } as never] }),
      makeState('other'),
    ];
    for (const state of badStates) {
      await expect(s.saveState('x', state as AgentStateInput)).rejects.toBeInstanceOf(ValidationError);
    }
    for (const id of ['', 'a'.repeat(2000), '\uD800', 42, null]) {
      await expect(s.saveState(id as string, makeState(String(id)))).rejects.toBeInstanceOf(ValidationError);
      await expect(s.loadState(id as string)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(s.saveState('x', makeState('x'), { checkpoint: 'sometimes' as never })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.saveState('x', makeState('x'), { messages: 'merge' as never })).rejects.toBeInstanceOf(ValidationError);
    expect(await keysUnder(redis.client, `${prefix}:{session`)).toEqual([]);

    await s.saveState('x', makeState('x'));
    const before = await s.loadState('x');
    await expect(s.appendMessages('x', [{ role: 'nobody' } as unknown as Message])).rejects.toBeInstanceOf(ValidationError);
    await expect(s.appendMessages('x', 'hi' as unknown as Message[])).rejects.toBeInstanceOf(ValidationError);
    await expect(s.updateStatus('x', 'done' as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(s.compareAndSetStatus('x', [], 'running')).rejects.toBeInstanceOf(ValidationError);
    await expect(s.compareAndSetStatus('x', ['running'], 'bogus' as never)).rejects.toBeInstanceOf(ValidationError);
    await expect(s.getMessages('x', { offset: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.getMessages('x', { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.listCheckpoints('x', { cursor: 'abc' })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.listCheckpoints('x', { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(s.getCheckpoint('x', 'not-a-checkpoint')).rejects.toBeInstanceOf(ValidationError);
    await expect(
      s.stageChanges('x', 'step', { toolCallId: 't', patches: [{ op: 'frobnicate', path: '/a' } as never], timestamp: 1 }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(s.stageChanges('x', '', { toolCallId: 't', patches: [], timestamp: 1 })).rejects.toBeInstanceOf(ValidationError);
    expect(await s.loadState('x')).toEqual(before);
    expect(await redis.client.exists(`${prefix}:{session:x}:staging`)).toBe(0);
  });

  it('rejects bad constructor options', () => {
    expect(() => new RedisStateStore({ client: redis.client, keyPrefix: 'has space' })).toThrow(ValidationError);
    expect(() => new RedisStateStore({ client: redis.client, ttl: -1 })).toThrow(ValidationError);
    expect(() => new RedisStateStore({ client: redis.client, maxCheckpoints: 0 })).toThrow(ValidationError);
    expect(() => new RedisStreamManager({ client: redis.client, blockTimeout: 0 })).toThrow(ValidationError);
    expect(() => new RedisStreamManager({ client: redis.client, maxStreamLength: 1.5 })).toThrow(ValidationError);
  });
});
