import { NotFoundError, ValidationError } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import {
  MalformedChunkError,
  RedisResumableStorage,
  SequenceConflictError,
  type StreamChunk,
  StreamClosedError,
  StreamTrimmedError,
} from '../src/index.js';
import { keysUnder } from './helpers.js';

describe('RedisResumableStorage', () => {
  const redis = useTestRedis('agent-storage');
  const storage = (maxStreamLength?: number) =>
    new RedisResumableStorage({ client: redis.client, keyPrefix: redis.newPrefix('rs'), blockTimeout: 200, maxStreamLength });

  it('create, append in order, readFrom with limits, metadata, end', async () => {
    const s = storage();
    expect(await s.getMetadata('a')).toBeNull();
    expect(await s.create('a')).toBe(true);
    expect(await s.create('a')).toBe(false);
    const meta = await s.getMetadata('a');
    expect(meta).toMatchObject({ streamId: 'a', status: 'active', lastSequence: 0, agentId: null, error: null });
    await s.append('a', { type: 'delta', big: 9007199254740991, huge: 1e308, text: 'ü 🌍', nested: { list: [] } }, 1);
    expect((await s.readFrom('a', 0))[0]?.chunk).toStrictEqual({ type: 'delta', big: 9007199254740991, huge: 1e308, text: 'ü 🌍', nested: { list: [] } });
    for (let i = 2; i <= 5; i++) await s.append('a', { type: 'delta', text: `t${i}`, nested: { list: [] } }, i);
    expect((await s.readFrom('a', 0)).map((c) => c.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(await s.readFrom('a', 2, 2)).toEqual([
      { sequence: 3, chunk: { type: 'delta', text: 't3', nested: { list: [] } } },
      { sequence: 4, chunk: { type: 'delta', text: 't4', nested: { list: [] } } },
    ]);
    expect(await s.readFrom('a', 5)).toEqual([]);
    expect(await s.end('a')).toBe(true);
    expect(await s.end('a')).toBe(false);
    // the end marker is not a chunk
    expect((await s.readFrom('a', 0)).map((c) => c.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(await s.getMetadata('a')).toMatchObject({ status: 'ended', lastSequence: 5 });
    await expect(s.append('a', { type: 'late' }, 6)).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('append needs the next sequence exactly', async () => {
    const s = storage();
    await s.create('seq');
    await expect(s.append('seq', { type: 'x' }, 2)).rejects.toBeInstanceOf(SequenceConflictError);
    await expect(s.append('seq', { type: 'x' }, 0)).rejects.toBeInstanceOf(SequenceConflictError);
    await s.append('seq', { type: 'x' }, 1);
    await expect(s.append('seq', { type: 'x' }, 1)).rejects.toBeInstanceOf(SequenceConflictError);
    await expect(s.append('never', { type: 'x' }, 1)).rejects.toBeInstanceOf(NotFoundError);
    expect((await s.getMetadata('seq'))?.lastSequence).toBe(1);
  });

  it('malformed chunks and bad numbers are typed errors and write nothing', async () => {
    const s = storage();
    await s.create('m');
    const bad: unknown[] = [undefined, null, 42, 'str', [], {}, { type: 7 }, { type: 't', big: 10n }, { type: 't', u: undefined, x: Symbol('s') }];
    for (const chunk of bad) {
      await expect(s.append('m', chunk as StreamChunk, 1)).rejects.toBeInstanceOf(MalformedChunkError);
    }
    for (const seq of [-1, 1.5, Number.NaN, '1']) {
      await expect(s.append('m', { type: 'ok' }, seq as number)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(s.readFrom('m', -1)).rejects.toBeInstanceOf(ValidationError);
    await expect(s.readFrom('m', 0, 0)).rejects.toBeInstanceOf(ValidationError);
    await expect(s.create('')).rejects.toBeInstanceOf(ValidationError);
    expect((await s.getMetadata('m'))?.lastSequence).toBe(0);
    expect(await s.readFrom('m', 0)).toEqual([]);
  });

  it('subscribe without fromSequence delivers only chunks appended after it started, in order', async () => {
    const s = storage();
    await s.create('live');
    await s.append('live', { type: 'old' }, 1);
    const got: number[] = [];
    const stop = s.subscribe('live', (chunk, seq) => {
      expect(chunk.type).toBe(`n${seq}`);
      got.push(seq);
    });
    // The subscription picks its start point asynchronously: keep appending until it delivers.
    let next = 2;
    while (got.length === 0) {
      await s.append('live', { type: `n${next}` }, next);
      next++;
      await expect.poll(() => got.length, { timeout: 200 }).toBeGreaterThan(0).catch(() => {});
    }
    for (let i = 0; i < 3; i++, next++) await s.append('live', { type: `n${next}` }, next);
    const last = next - 1;
    await expect.poll(() => got.at(-1)).toBe(last);
    stop();
    expect(got[0]).toBeGreaterThan(1);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => got[0]! + i));
  });

  it('a readFrom behind the trim point raises StreamTrimmedError', async () => {
    const s = storage(3);
    await s.create('t');
    for (let i = 1; i <= 400; i++) await s.append('t', { type: 'n' }, i);
    await expect(s.readFrom('t', 0)).rejects.toBeInstanceOf(StreamTrimmedError);
    expect((await s.readFrom('t', 397)).map((c) => c.sequence)).toEqual([398, 399, 400]);
  });

  it('sets a sliding TTL on both keys of a stream', async () => {
    const prefix = redis.newPrefix('rsttl');
    const s = new RedisResumableStorage({ client: redis.client, keyPrefix: prefix, ttl: 1000 });
    await s.create('x');
    await s.append('x', { type: 'a' }, 1);
    const keys = await keysUnder(redis.client, `${prefix}:{stream`);
    expect(keys).toEqual([`${prefix}:{stream:x}:chunks`, `${prefix}:{stream:x}:meta`]);
    for (const key of keys) await redis.client.expire(key, 5);
    await s.append('x', { type: 'b' }, 2);
    for (const key of keys) expect(await redis.client.ttl(key)).toBeGreaterThan(900);
  });
});

describe('error events and close', () => {
  const redis = useTestRedis('agent-events');

  it('a throwing subscriber is reported on the error event and the logger; delivery continues', async () => {
    const logged: string[] = [];
    const s = new RedisResumableStorage({
      client: redis.client,
      keyPrefix: redis.newPrefix('ev'),
      blockTimeout: 200,
      logger: { error: (message) => logged.push(message) },
    });
    const errors: Error[] = [];
    s.on('error', (error) => errors.push(error));
    await s.create('e');
    const seen: number[] = [];
    const stop = s.subscribe(
      'e',
      (_chunk, sequence) => {
        seen.push(sequence);
        if (sequence === 1) throw new Error('listener bug');
      },
      { fromSequence: 0 },
    );
    await s.append('e', { type: 'a' }, 1);
    await s.append('e', { type: 'b' }, 2);
    await expect.poll(() => seen).toEqual([1, 2]);
    stop();
    expect(errors.map((e) => e.message)).toEqual(['listener bug']);
    expect(logged).toHaveLength(1);
  });

  it('close() stops open readers and subscriptions but leaves a passed-in client open', async () => {
    const client = redis.connect();
    const s = new RedisResumableStorage({ client, keyPrefix: redis.newPrefix('cl'), blockTimeout: 60_000 });
    await s.create('c');
    const seen: number[] = [];
    s.subscribe('c', (_c, seq) => {
      seen.push(seq);
    });
    await s.close();
    expect(await client.ping()).toBe('PONG');
    const other = new RedisResumableStorage({ client, keyPrefix: s.keyspace.prefix, blockTimeout: 200 });
    const control: number[] = [];
    const stopControl = other.subscribe('c', (_c, seq) => {
      control.push(seq);
    }, { fromSequence: 0 });
    await other.append('c', { type: 'x' }, 1);
    await expect.poll(() => control).toEqual([1]);
    stopControl();
    expect(seen).toEqual([]);
  });
});
