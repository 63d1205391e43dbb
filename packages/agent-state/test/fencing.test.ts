import { StaleFencingTokenError, ValidationError } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisStateStore } from '../src/index.js';
import { makeState, messages } from './helpers.js';

describe('fencing tokens', () => {
  const redis = useTestRedis('agent-fence');

  it('rejects a stale token and writes nothing', async () => {
    const s = new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('f') });
    await s.saveState('f', makeState('f', { stepCount: 1 }), { fencingToken: 5 });
    await s.saveState('f', makeState('f', { stepCount: 2 }), { fencingToken: 5 });
    await s.saveState('f', makeState('f', { stepCount: 3 }), { fencingToken: '7' });
    const before = await s.loadState('f');
    await expect(
      s.saveState('f', makeState('f', { stepCount: 99, messages: messages(4) }), { fencingToken: 6 }),
    ).rejects.toBeInstanceOf(StaleFencingTokenError);
    await expect(s.appendMessages('f', messages(1), { fencingToken: 6 })).rejects.toBeInstanceOf(StaleFencingTokenError);
    await expect(s.updateStatus('f', 'failed', { fencingToken: 1 })).rejects.toBeInstanceOf(StaleFencingTokenError);
    expect(await s.loadState('f')).toEqual(before);
    expect((await s.listCheckpoints('f')).checkpoints.map((c) => c.stepCount)).toEqual([3, 2, 1]);
    // writes without a token are not fenced; a newer token moves the fence forward
    await s.saveState('f', makeState('f', { stepCount: 4 }));
    await s.saveState('f', makeState('f', { stepCount: 5 }), { fencingToken: 8 });
    await expect(s.saveState('f', makeState('f'), { fencingToken: 7 })).rejects.toBeInstanceOf(StaleFencingTokenError);
    expect((await s.loadState('f'))?.stepCount).toBe(5);
  });

  it('fences per session', async () => {
    const s = new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('f2') });
    await s.saveState('a', makeState('a'), { fencingToken: 100 });
    await s.saveState('b', makeState('b'), { fencingToken: 1 });
    expect((await s.loadState('b'))?.sessionId).toBe('b');
  });

  it('a deposed holder racing the new holder never overwrites it', async () => {
    const prefix = redis.newPrefix('f3');
    const setup = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    await setup.saveState('r', makeState('r'), { fencingToken: 1 });
    const oldHolder = new RedisStateStore({ client: redis.connect(), keyPrefix: prefix });
    const newHolder = new RedisStateStore({ client: redis.connect(), keyPrefix: prefix });
    await newHolder.saveState('r', makeState('r', { stepCount: 10, customState: { owner: 'new' } }), { fencingToken: 2 });
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        oldHolder.saveState('r', makeState('r', { stepCount: i, customState: { owner: 'old' } }), { fencingToken: 1 }),
      ),
    );
    expect(attempts.every((a) => a.status === 'rejected')).toBe(true);
    expect((await setup.loadState('r'))?.customState).toEqual({ owner: 'new' });
  });

  it('rejects malformed tokens as ValidationError', async () => {
    const s = new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('f4') });
    for (const token of [-1, 1.5, 'abc', '', '1e3']) {
      await expect(s.saveState('v', makeState('v'), { fencingToken: token })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(await s.loadState('v')).toBeNull();
  });
});
