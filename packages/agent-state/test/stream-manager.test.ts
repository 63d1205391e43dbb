import { NotFoundError, ValidationError } from '@redstate/core';
import { serverConnections, useTestRedis } from '@redstate/testing/vitest';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import {
  MalformedChunkError,
  RedisStreamManager,
  type SequencedChunk,
  type StreamChunk,
  StreamClosedError,
  StreamFailedError,
  StreamTrimmedError,
} from '../src/index.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Connections named `name` whose last command was XREAD, on the server or every cluster node. */
async function xreadConnections(client: Redis, name: string): Promise<number> {
  return (await serverConnections(client)).filter((c) => c.name === name && c.cmd === 'xread').length;
}

describe('RedisStreamManager', () => {
  const redis = useTestRedis('agent-stream');
  const manager = (options: { maxStreamLength?: number; blockTimeout?: number } = {}) =>
    new RedisStreamManager({ client: redis.client, keyPrefix: redis.newPrefix('sm'), blockTimeout: 200, ...options });

  it('writes, reads live with blocking reads, ends', async () => {
    const m = manager();
    const writer = await m.createWriter('s1', 'agent-1', 'researcher');
    expect(await writer.write({ type: 'text_delta', delta: 'he' })).toBe(1);
    const reader = await m.createReader('s1');
    expect(reader).not.toBeNull();
    const received = collect(reader!);
    expect(await writer.write({ type: 'text_delta', delta: 'llo', unicode: '🌍', empty: [] })).toBe(2);
    await m.endStream('s1');
    const chunks = await received;
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toMatchObject({ type: 'text_delta', delta: 'he', agentId: 'agent-1', agentType: 'researcher' });
    expect(chunks[1]).toMatchObject({ delta: 'llo', unicode: '🌍', empty: [] });
    expect(typeof chunks[0]!.timestamp).toBe('number');
    const info = await m.getInfo('s1');
    expect(info).toMatchObject({ streamId: 's1', status: 'ended', lastSequence: 2, agentId: 'agent-1', agentType: 'researcher', error: null });
    expect(await m.endStream('s1')).toBe(false);
    await expect(writer.write({ type: 'late' })).rejects.toBeInstanceOf(StreamClosedError);
    await expect(m.createWriter('s1', 'agent-2', 'x')).rejects.toBeInstanceOf(StreamClosedError);
  });

  it('many writers on one stream (sub-agents) get gapless server sequences', async () => {
    const m = manager();
    const writers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        new RedisStreamManager({ client: redis.connect(), keyPrefix: m.keyspace.prefix }).createWriter('shared', `a${i}`, 'sub'),
      ),
    );
    const seqs = await Promise.all(writers.flatMap((w) => Array.from({ length: 10 }, (_, j) => w.write({ type: 't', j }))));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    await m.endStream('shared');
    const reader = await m.createResumableReader('shared');
    const chunks = await collect(reader!);
    expect(chunks.map((c) => c.sequence)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('resumable reader starts after fromSequence; null for unknown streams', async () => {
    const m = manager();
    expect(await m.createReader('nope')).toBeNull();
    expect(await m.createResumableReader('nope', { fromSequence: 3 })).toBeNull();
    expect(await m.getInfo('nope')).toBeNull();
    const w = await m.createWriter('r', 'a', 't');
    for (let i = 1; i <= 10; i++) await w.write({ type: 'n', i });
    await m.endStream('r');
    const got: SequencedChunk[] = await collect((await m.createResumableReader('r', { fromSequence: 7 }))!);
    expect(got.map((c) => [c.sequence, c.chunk.i])).toEqual([
      [8, 8],
      [9, 9],
      [10, 10],
    ]);
    expect(await collect((await m.createResumableReader('r', { fromSequence: 10 }))!)).toEqual([]);
    expect(await collect((await m.createResumableReader('r', { fromSequence: 50 }))!)).toEqual([]);
  });

  it('a failed stream delivers its chunks, then StreamFailedError', async () => {
    const m = manager();
    const w = await m.createWriter('bad', 'a', 't');
    await w.write({ type: 'x' });
    expect(await m.failStream('bad', 'model exploded')).toBe(true);
    const chunks: StreamChunk[] = [];
    const reader = (await m.createReader('bad'))!;
    await expect(
      (async () => {
        for await (const c of reader) chunks.push(c);
      })(),
    ).rejects.toBeInstanceOf(StreamFailedError);
    expect(chunks).toHaveLength(1);
    expect(await m.getInfo('bad')).toMatchObject({ status: 'failed', error: 'model exploded' });
  });

  it('readers use their own connection and close it; the shared client is never blocked', async () => {
    const name = `shared${Date.now()}`;
    const client = redis.connect({ connectionName: name });
    await client.ping();
    const m = new RedisStreamManager({ client, keyPrefix: redis.newPrefix('dup'), blockTimeout: 10_000 });
    const w = await m.createWriter('d', 'a', 't');
    const reader = (await m.createReader('d'))!;
    const it = reader[Symbol.asyncIterator]();
    const next = it.next();
    // while the reader blocks (up to 10 s), the shared client keeps serving commands
    await w.write({ type: 'first' });
    expect((await next).value).toMatchObject({ type: 'first' });
    expect(await client.ping()).toBe('PONG');
    // The reader blocks on a connection of its own (the shared client never runs XREAD), and
    // closing the reader closes it: an idle leftover would still show cmd=xread.
    await expect.poll(() => xreadConnections(redis.client, name)).toBe(1);
    await it.return?.();
    await reader.close();
    await expect.poll(() => xreadConnections(redis.client, name)).toBe(0);
  });

  it('a reader whose connection is killed mid-block reconnects and continues without gap or duplicate', async () => {
    const name = `killme${Date.now()}`;
    const client = redis.connect({ connectionName: name });
    const m = new RedisStreamManager({ client, keyPrefix: redis.newPrefix('kill'), blockTimeout: 60_000 });
    const w = await m.createWriter('k', 'a', 't');
    await w.write({ type: 'n' });
    const reader = (await m.createResumableReader('k'))!;
    const got: number[] = [];
    const done = (async () => {
      for await (const { sequence } of reader) got.push(sequence);
    })();
    await expect.poll(() => got).toEqual([1]);
    // find the reader's blocked XREAD connection and kill it server-side
    const blocked = async () => (await serverConnections(redis.client)).find((c) => c.name === name && c.cmd === 'xread');
    await expect.poll(blocked).toBeDefined();
    const victim = (await blocked())!;
    await victim.node.client('KILL', 'ID', victim.id);
    for (let i = 0; i < 3; i++) await w.write({ type: 'n' });
    await m.endStream('k');
    await done;
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it('close() stops a reader blocked in XREAD', async () => {
    const m = manager({ blockTimeout: 60_000 });
    await m.createWriter('idle', 'a', 't');
    const reader = (await m.createReader('idle'))!;
    const done = collect(reader);
    await new Promise((r) => setTimeout(r, 50));
    await reader.close();
    expect(await done).toEqual([]);
  });

  it('trims to maxStreamLength; a reader behind the trim gets StreamTrimmedError', async () => {
    const m = manager({ maxStreamLength: 5 });
    const w = await m.createWriter('trim', 'a', 't');
    for (let i = 0; i < 300; i++) await w.write({ type: 'n', i });
    await m.endStream('trim');
    const stored = await redis.client.xlen(`${m.keyspace.prefix}:{stream:trim}:chunks`);
    expect(stored).toBeLessThan(300);
    await expect(collect((await m.createResumableReader('trim'))!)).rejects.toBeInstanceOf(StreamTrimmedError);
    const tail = await collect((await m.createResumableReader('trim', { fromSequence: 297 }))!);
    expect(tail.map((c) => c.sequence)).toEqual([298, 299, 300]);
  });

  it('rejects bad input with typed errors and writes nothing', async () => {
    const m = manager();
    await expect(m.createWriter('', 'a', 't')).rejects.toBeInstanceOf(ValidationError);
    await expect(m.createWriter('x', '', 't')).rejects.toBeInstanceOf(ValidationError);
    const w = await m.createWriter('in', 'a', 't');
    for (const bad of [null, 'text', [], { delta: 'no type' }, { type: '' }, { type: 't', f: () => 1 }, { type: 't', n: Number.NaN }]) {
      await expect(w.write(bad as unknown as StreamChunk)).rejects.toBeInstanceOf(MalformedChunkError);
    }
    expect((await m.getInfo('in'))?.lastSequence).toBe(0);
    await expect(m.createResumableReader('in', { fromSequence: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(m.endStream('never-created')).rejects.toBeInstanceOf(NotFoundError);
  });
});
