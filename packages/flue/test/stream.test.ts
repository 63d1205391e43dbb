import { AttachmentConflictError, ConversationStreamStoreError, createAttachmentRef } from '@flue/runtime/adapter';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { keysMatching, onClusterTarget, serverConnections, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { flueRedis, SPILL_BYTES } from '../src/index.js';
import { producerOn, userRecord } from './helpers.js';

const redis = useTestRedis('flue-stream');
const PATH = 'agents/assistant/agent-1';
const run = promisify(execFile);

function waitFor(check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (check()) return resolve();
      if (Date.now() - started > 10_000) return reject(new Error('condition not reached'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

describe('subscribe across processes', () => {
  it('a listener in one adapter hears appends made by another adapter on another connection', async () => {
    const prefix = redis.newPrefix('sub');
    const reader = flueRedis(redis.connect(), { keyPrefix: prefix });
    const writer = flueRedis(redis.connect(), { keyPrefix: prefix });
    const r = await reader.connect();
    const w = await writer.connect();
    const producer = await producerOn(w.conversationStreamStore, PATH);
    let calls = 0;
    const unsubscribe = r.conversationStreamStore.subscribe(PATH, () => {
      calls++;
    });
    // The SUBSCRIBE is asynchronous: keep appending until the other process hears one.
    let seq = 0;
    const append = () =>
      w.conversationStreamStore.append({ path: PATH, ...producer, producerSequence: seq++, records: [userRecord(`r${seq}`)] });
    await append();
    await waitFor(() => {
      if (calls === 0) void append();
      return calls > 0;
    });
    unsubscribe();
    const seen = calls;
    await append();
    await new Promise((res) => setTimeout(res, 50));
    expect(calls).toBe(seen);
    await reader.close();
    await writer.close();
  });

  it('a listener hears an append made by another OS process', async () => {
    const prefix = redis.newPrefix('proc');
    const adapter = flueRedis(redis.connect(), { keyPrefix: prefix });
    const { conversationStreamStore: stream } = await adapter.connect();
    const producer = await producerOn(stream, PATH);
    let calls = 0;
    const off = stream.subscribe(PATH, () => {
      calls++;
    });
    const child = (sequence: number) =>
      run(
        process.execPath,
        [
          '--experimental-transform-types',
          '--no-warnings',
          fileURLToPath(new URL('./append-process.mjs', import.meta.url)),
          redis.endpoint,
          prefix,
          PATH,
          JSON.stringify({ producerId: producer.producerId, producerEpoch: producer.producerEpoch, incarnation: producer.incarnation }),
          String(sequence),
        ],
        { cwd: fileURLToPath(new URL('..', import.meta.url)) },
      );
    // Our SUBSCRIBE lands asynchronously: let other processes append until one is heard.
    let sequence = 0;
    while (calls === 0 && sequence < 20) {
      const { stdout } = await child(sequence);
      expect(stdout).toBe(`0000000000000000_${String(sequence).padStart(16, '0')}`);
      sequence++;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(calls).toBeGreaterThan(0);
    expect((await stream.read(PATH)).batches.map((b) => b.records[0]?.id)).toContain('from-child-0');
    off();
    await adapter.close();
  });

  it('close() ends the subscriber connection it opened and leaves the user client open', async () => {
    const prefix = redis.newPrefix('sub');
    const userName = `user-${prefix}`;
    const client = redis.connect({ connectionName: userName });
    const adapter = flueRedis(client, { keyPrefix: prefix });
    const { conversationStreamStore } = await adapter.connect();
    // Cluster.duplicate() takes no connection name: ioredis names a cluster's subscriber
    // connection after the user client's (`ioredis-cluster(subscriber):<name>`).
    const ours = (n: string) => (onClusterTarget() ? n.endsWith(`:${userName}`) : n === `redstate-flue-sub:${prefix}`);
    const subscribers = async () =>
      (await serverConnections(redis.client)).filter((c) => ours(c.name) && !c.line.includes(' sub=0 ')).map((c) => c.line);
    const off = conversationStreamStore.subscribe(PATH, () => {});
    // Awaited polls: a poll still in flight when the file closes its clients would fail.
    await expect.poll(subscribers, { timeout: 10_000 }).toHaveLength(1);
    expect((await subscribers())[0]).toContain('sub=1');
    off();
    await adapter.close();
    await expect.poll(subscribers, { timeout: 10_000 }).toEqual([]);
    expect(client.status).toBe('ready');
    expect(await client.ping()).toBe('PONG');
  });
});

describe('big batches', () => {
  it('round-trips a multi-piece batch whose pieces split multi-byte characters', async () => {
    const prefix = redis.newPrefix('big');
    const { conversationStreamStore: stream } = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    const producer = await producerOn(stream, PATH);
    const text = `a${'é🎉'.repeat(Math.ceil((SPILL_BYTES * 3) / 6))}`;
    const record = userRecord('big', text);
    const { offset } = await stream.append({ path: PATH, ...producer, producerSequence: 0, records: [record] });
    const read = await stream.read(PATH);
    expect(read.batches).toEqual([{ offset, records: [record] }]);
  });

  it('a rejected big append leaves no staged data behind', async () => {
    const prefix = redis.newPrefix('big');
    const { conversationStreamStore: stream } = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    const producer = await producerOn(stream, PATH);
    await expect(
      stream.append({ path: PATH, ...producer, producerSequence: 5, records: [userRecord('x', 'y'.repeat(SPILL_BYTES * 2))] }),
    ).rejects.toBeInstanceOf(ConversationStreamStoreError);
    const keys = await keysMatching(redis.client, `${prefix}:*spill*`);
    expect(keys).toEqual([]);
    expect(await stream.getMeta(PATH)).toMatchObject({ nextOffset: '-1', nextProducerSequence: 0 });
  });

  it('an exact retry of a big batch keeps one copy and returns the first offset', async () => {
    const prefix = redis.newPrefix('big');
    const { conversationStreamStore: stream } = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    const producer = await producerOn(stream, PATH);
    const input = { path: PATH, ...producer, producerSequence: 0, records: [userRecord('x', 'z'.repeat(SPILL_BYTES * 2))] };
    const first = await stream.append(input);
    expect(await stream.append(input)).toEqual(first);
    const keys = await keysMatching(redis.client, `${prefix}:*spill*`);
    expect(keys).toHaveLength(1);
  });
});

describe('reads', () => {
  it('pages with limit, reports upToDate, supports "now", and rejects offsets past the head', async () => {
    const prefix = redis.newPrefix('read');
    const { conversationStreamStore: stream } = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    const producer = await producerOn(stream, PATH);
    const offsets: string[] = [];
    for (let i = 0; i < 5; i++) {
      offsets.push((await stream.append({ path: PATH, ...producer, producerSequence: i, records: [userRecord(`r${i}`)] })).offset);
    }
    const page = await stream.read(PATH, { limit: 2 });
    expect(page.batches.map((b) => b.offset)).toEqual(offsets.slice(0, 2));
    expect(page).toMatchObject({ nextOffset: offsets[1], upToDate: false });
    const rest = await stream.read(PATH, { offset: page.nextOffset, limit: 10 });
    expect(rest.batches.map((b) => b.offset)).toEqual(offsets.slice(2));
    expect(rest.upToDate).toBe(true);
    expect(await stream.read(PATH, { offset: 'now' })).toEqual({ batches: [], nextOffset: offsets[4], upToDate: true });
    await expect(stream.read(PATH, { offset: '0000000000000000_0000000000000009' })).rejects.toBeInstanceOf(
      ConversationStreamStoreError,
    );
    expect(await stream.read('agents/none/none')).toEqual({ batches: [], nextOffset: '-1', upToDate: true });
  });

  it('stores user JSON as given: empty arrays, big numbers and unicode survive', async () => {
    const prefix = redis.newPrefix('read');
    const { conversationStreamStore: stream } = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
    const producer = await producerOn(stream, PATH);
    const record = { ...userRecord('j', 'ü 🎉'), content: [], extra: { big: 9007199254740991, neg: -1e-7, empty: {} } };
    await stream.append({ path: PATH, ...producer, producerSequence: 0, records: [record as never] });
    expect((await stream.read(PATH)).batches[0]?.records).toEqual([record]);
  });
});

describe('append races', () => {
  it('10 connections appending the same producer sequence with different content: one wins, the stream advances once', async () => {
    const prefix = redis.newPrefix('race');
    const stores = await Promise.all(
      Array.from({ length: 10 }, () => flueRedis(redis.connect(), { keyPrefix: prefix, inspectServer: false }).connect()),
    );
    const producer = await producerOn(stores[0]!.conversationStreamStore, PATH);
    const results = await Promise.allSettled(
      stores.map((s, i) =>
        s.conversationStreamStore.append({ path: PATH, ...producer, producerSequence: 0, records: [userRecord(`r${i}`)] }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await stores[0]!.conversationStreamStore.getMeta(PATH)).toMatchObject({ nextOffset: '0000000000000000_0000000000000000', nextProducerSequence: 1 });
  });

  it('a coordinator that re-acquires the producer fences every in-flight append of the old one', async () => {
    const prefix = redis.newPrefix('race');
    const [a, b] = await Promise.all(
      [0, 1].map(() => flueRedis(redis.connect(), { keyPrefix: prefix, inspectServer: false }).connect()),
    );
    const old = await producerOn(a!.conversationStreamStore, PATH, 'coordinator-1');
    const fresh = await b!.conversationStreamStore.acquireProducer(PATH, 'coordinator-2');
    const stale = Array.from({ length: 5 }, (_, i) =>
      a!.conversationStreamStore.append({ path: PATH, ...old, producerSequence: i, records: [userRecord(`old${i}`)] }),
    );
    const settled = await Promise.allSettled(stale);
    expect(settled.every((r) => r.status === 'rejected')).toBe(true);
    await b!.conversationStreamStore.append({ path: PATH, ...fresh, producerSequence: 0, records: [userRecord('new')] });
    expect((await a!.conversationStreamStore.read(PATH)).batches.map((x) => x.records[0]?.id)).toEqual(['new']);
  });
});

describe('attachments', () => {
  it('racing puts of one big attachment store it once and leave no staged pieces', async () => {
    const prefix = redis.newPrefix('att');
    const stores = await Promise.all(
      Array.from({ length: 6 }, () => flueRedis(redis.connect(), { keyPrefix: prefix, inspectServer: false }).connect()),
    );
    const bytes = Uint8Array.from({ length: SPILL_BYTES * 3 + 17 }, (_, i) => i % 253);
    const attachment = await createAttachmentRef({ id: 'img', mimeType: 'image/png', bytes });
    const input = { streamPath: PATH, attachment, bytes, conversationId: 'c1' };
    await expect(Promise.all(stores.map((s) => s.attachmentStore.put(input)))).resolves.toEqual(stores.map(() => undefined));
    const staged = await keysMatching(redis.client, `${prefix}:*stage*`);
    expect(staged).toEqual([]);
    expect(await stores[0]!.attachmentStore.get({ streamPath: PATH, conversationId: 'c1', attachmentId: 'img' })).toEqual({
      attachment,
      bytes,
    });
    const other = Uint8Array.from(bytes, (b) => (b + 1) % 256);
    const otherRef = await createAttachmentRef({ id: 'img', mimeType: 'image/png', bytes: other });
    await expect(stores[1]!.attachmentStore.put({ ...input, attachment: otherRef, bytes: other })).rejects.toBeInstanceOf(
      AttachmentConflictError,
    );
  });
});

describe('records read back as written', () => {
  it('keeps an own "__proto__" key of a record (plain data after JSON.parse)', async () => {
    const adapter = flueRedis(redis.connect(), { keyPrefix: redis.newPrefix('proto') });
    const { conversationStreamStore: stream } = await adapter.connect();
    const producer = await producerOn(stream, PATH);
    const record = { ...userRecord('p'), ...JSON.parse('{"__proto__": {"polluted": true}}') };
    expect(Object.hasOwn(record, '__proto__')).toBe(true);
    await stream.append({ path: PATH, ...producer, producerSequence: 0, records: [record] });
    const [batch] = (await stream.read(PATH)).batches;
    expect(JSON.stringify(batch?.records)).toBe(JSON.stringify([record]));
    expect(Object.hasOwn(batch?.records[0] ?? {}, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await adapter.close();
  });
});
