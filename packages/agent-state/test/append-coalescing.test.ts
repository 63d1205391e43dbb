import { monitorServers, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisResumableStorage, RedisStreamManager, SequenceConflictError } from '../src/index.js';

describe('appends issued in the same tick share one script run', () => {
  const redis = useTestRedis('agent-coalesce');

  it('a producer pushing 50 chunks without awaiting stores them in call order, in one round trip', async () => {
    const s = new RedisResumableStorage({ client: redis.client, keyPrefix: redis.newPrefix('co') });
    await s.create('t');
    await s.getMetadata('t'); // schema check and script load happen before we count
    const monitors = await monitorServers(redis.client);
    const evals: string[] = [];
    for (const monitor of monitors) {
      monitor.on('monitor', (_time: string, args: string[]) => {
        const command = String(args[0]).toLowerCase();
        if (command === 'evalsha' || command === 'eval') evals.push(command);
      });
    }
    await Promise.all(Array.from({ length: 50 }, (_, i) => s.append('t', { type: 'delta', i }, i + 1)));
    await new Promise((r) => setTimeout(r, 50));
    for (const monitor of monitors) monitor.disconnect();
    expect(evals.length).toBeGreaterThan(0);
    expect(evals.length).toBeLessThanOrEqual(2); // one EVALSHA (plus one EVAL if the script had to load)
    const read = await s.readFrom('t', 0);
    expect(read.map((c) => [c.sequence, c.chunk.i])).toEqual(Array.from({ length: 50 }, (_, i) => [i + 1, i]));
  });

  it('a wrong claimed sequence fails exactly the appends that would fail one by one', async () => {
    const s = new RedisResumableStorage({ client: redis.client, keyPrefix: redis.newPrefix('co') });
    await s.create('t');
    const results = await Promise.allSettled([
      s.append('t', { type: 'a' }, 1),
      s.append('t', { type: 'b' }, 2),
      s.append('t', { type: 'c' }, 4), // gap: conflict
      s.append('t', { type: 'd' }, 5), // follows the failed one: conflict too
      s.append('t', { type: 'e' }, 3), // the real next one
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(SequenceConflictError.isInstance((results[2] as PromiseRejectedResult).reason)).toBe(true);
    expect((await s.readFrom('t', 0)).map((c) => c.chunk.type)).toEqual(['a', 'b', 'e']);
  });

  it('writer.write calls without awaiting get gapless sequences in call order', async () => {
    const m = new RedisStreamManager({ client: redis.client, keyPrefix: redis.newPrefix('co') });
    const writer = await m.createWriter('w', 'agent-1', 'demo');
    const sequences = await Promise.all(['a', 'b', 'c', 'd'].map((text) => writer.write({ type: 'text-delta', text })));
    expect(sequences).toEqual([1, 2, 3, 4]);
  });
});
