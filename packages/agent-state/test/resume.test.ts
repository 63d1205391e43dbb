import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisResumableStorage, RedisStreamManager, type SequencedChunk } from '../src/index.js';
import { spawnWriter } from './child.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('resume after a dropped reader (writer in another process)', () => {
  const redis = useTestRedis('agent-resume');

  it('a reader that crashes at N and resumes from N gets exactly N+1..end', async () => {
    const prefix = redis.newPrefix('resume');
    const child = spawnWriter({ url: redis.endpoint, prefix, streamId: 'live', count: 60, mode: 'manager', pauseAfter: 25 });
    await child.waitFor('paused 25');

    // First reader: reads up to sequence 17, then its connection dies mid-stream (crash).
    const first = new RedisStreamManager({ client: redis.connect(), keyPrefix: prefix, blockTimeout: 200 });
    const reader = (await first.createResumableReader('live'))!;
    const seen: SequencedChunk[] = [];
    for await (const item of reader) {
      seen.push(item);
      if (item.sequence === 17) break;
    }
    first.client.disconnect();
    expect(seen.map((s) => s.sequence)).toEqual(range(1, 17));
    const lastEventId = seen.at(-1)!.sequence;

    // The writer keeps writing while nobody reads; a new process-like reader resumes.
    child.resume();
    const second = new RedisStreamManager({ client: redis.connect(), keyPrefix: prefix, blockTimeout: 200 });
    const resumed: SequencedChunk[] = [];
    for await (const item of (await second.createResumableReader('live', { fromSequence: lastEventId }))!) resumed.push(item);
    expect(await child.exited).toBe(0);
    expect(resumed.map((s) => s.sequence)).toEqual(range(18, 60));
    expect(resumed.map((s) => s.chunk.i)).toEqual(range(18, 60));
    expect(resumed[0]!.chunk).toMatchObject({ agentId: 'child-agent', agentType: 'child' });
  });

  it('readFrom and subscribe across processes: no gap, no duplicate', async () => {
    const prefix = redis.newPrefix('sub');
    const storage = new RedisResumableStorage({ client: redis.connect(), keyPrefix: prefix, blockTimeout: 200 });
    const child = spawnWriter({ url: redis.endpoint, prefix, streamId: 'sub', count: 40, mode: 'storage', pauseAfter: 10 });
    await child.waitFor('paused 10');
    const head = await storage.readFrom('sub', 0, 4);
    expect(head.map((c) => c.sequence)).toEqual([1, 2, 3, 4]);
    const received: number[] = [];
    let ended!: () => void;
    const allIn = new Promise<void>((resolve) => {
      ended = resolve;
    });
    const unsubscribe = storage.subscribe(
      'sub',
      (chunk, sequence) => {
        received.push(sequence);
        expect(chunk.i).toBe(sequence);
        if (sequence === 40) ended();
      },
      { fromSequence: 4 },
    );
    child.resume();
    await allIn;
    unsubscribe();
    expect(await child.exited).toBe(0);
    expect(received).toEqual(range(5, 40));
    expect(await storage.getMetadata('sub')).toMatchObject({ status: 'ended', lastSequence: 40 });
  });
});
