import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisResumableStorage, RedisStateStore, SequenceConflictError } from '../src/index.js';
import { makeState, messages } from './helpers.js';

describe('concurrency (many connections racing on one entity)', () => {
  const redis = useTestRedis('agent-race');

  it('20 concurrent compareAndSetStatus on one session: exactly one wins', async () => {
    const prefix = redis.newPrefix('cas');
    const setup = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    for (let round = 0; round < 5; round++) {
      const id = `session-${round}`;
      await setup.saveState(id, makeState(id, { status: 'running' }));
      const stores = Array.from({ length: 20 }, () => new RedisStateStore({ client: redis.connect(), keyPrefix: prefix }));
      const results = await Promise.all(stores.map((s) => s.compareAndSetStatus(id, ['running'], 'interrupted')));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await setup.loadState(id))?.status).toBe('interrupted');
    }
  });

  it('compareAndSetStatus checks every expected status and is false for an unknown session', async () => {
    const s = new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('cas2') });
    await s.saveState('x', makeState('x', { status: 'paused' }));
    expect(await s.compareAndSetStatus('x', ['running'], 'completed')).toBe(false);
    expect(await s.compareAndSetStatus('x', ['running', 'paused'], 'running')).toBe(true);
    expect(await s.compareAndSetStatus('ghost', ['running'], 'completed')).toBe(false);
    expect(await s.loadState('ghost')).toBeNull();
  });

  it('racing appendMessages from many connections lose nothing and interleave whole batches', async () => {
    const prefix = redis.newPrefix('append');
    const setup = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    await setup.saveState('chat', makeState('chat'));
    const writers = Array.from({ length: 10 }, () => new RedisStateStore({ client: redis.connect(), keyPrefix: prefix }));
    await Promise.all(
      writers.map(async (w, wi) => {
        for (let b = 0; b < 10; b++) {
          await w.appendMessages('chat', messages(3, wi * 1000 + b * 10));
        }
      }),
    );
    const all = (await setup.getMessages('chat')).messages.map((m) => String(m.content));
    expect(all).toHaveLength(300);
    expect(new Set(all).size).toBe(300);
    // each batch of three stays contiguous (one script per append)
    for (let i = 0; i < all.length; i += 3) {
      const n = Number(all[i]!.slice(1));
      expect(all.slice(i, i + 3)).toEqual([`m${n}`, `m${n + 1}`, `m${n + 2}`]);
    }
  });

  it('racing incrementResumeCount counts every call', async () => {
    const prefix = redis.newPrefix('resume');
    const setup = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    await setup.saveState('r', makeState('r'));
    const stores = Array.from({ length: 10 }, () => new RedisStateStore({ client: redis.connect(), keyPrefix: prefix }));
    const counts = await Promise.all(stores.flatMap((s) => [s.incrementResumeCount('r'), s.incrementResumeCount('r')]));
    expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('two writers appending the same sequence: exactly one wins', async () => {
    const prefix = redis.newPrefix('seq');
    const a = new RedisResumableStorage({ client: redis.connect(), keyPrefix: prefix });
    const b = new RedisResumableStorage({ client: redis.connect(), keyPrefix: prefix });
    await a.create('s');
    for (let seq = 1; seq <= 20; seq++) {
      const results = await Promise.allSettled([
        a.append('s', { type: 'text', from: 'a' }, seq),
        b.append('s', { type: 'text', from: 'b' }, seq),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const lost = results.find((r) => r.status === 'rejected');
      expect(lost?.status === 'rejected' && lost.reason).toBeInstanceOf(SequenceConflictError);
    }
    const chunks = await a.readFrom('s', 0);
    expect(chunks.map((c) => c.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
