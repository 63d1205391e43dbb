import { useTestRedis } from '@redstate/testing/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type JsonValue, type Message, RedisResumableStorage, RedisStateStore, type StreamChunk } from '../src/index.js';
import { makeState } from './helpers.js';

describe('JSON round-trip (property based)', () => {
  const redis = useTestRedis('agent-json');

  it('any JSON value survives customState, output, messages, checkpoints and chunks byte-for-byte', async () => {
    const prefix = redis.newPrefix('json');
    const store = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    const storage = new RedisResumableStorage({ client: redis.client, keyPrefix: prefix });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.jsonValue().map((v) => v as JsonValue), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }), async (value, id) => {
        run++;
        const sessionId = `${id}#${run}`;
        const state = makeState(sessionId, {
          customState: { value },
          output: value,
          messages: [{ role: 'tool', content: value }],
        });
        const saved = await store.saveState(sessionId, state);
        const loaded = await store.loadState(sessionId);
        expect(JSON.stringify(loaded?.customState)).toBe(JSON.stringify({ value }));
        expect(JSON.stringify(loaded?.output)).toBe(JSON.stringify(value));
        expect(JSON.stringify(loaded?.messages)).toBe(JSON.stringify(state.messages));
        const cp = await store.getCheckpoint(sessionId, saved.checkpointId!);
        expect(JSON.stringify(cp?.state.customState)).toBe(JSON.stringify({ value }));
        await storage.create(sessionId);
        await storage.append(sessionId, { type: 'v', value }, 1);
        const [chunk] = await storage.readFrom(sessionId, 0);
        expect(JSON.stringify(chunk?.chunk)).toBe(JSON.stringify({ type: 'v', value }));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps "__proto__" keys (plain data after JSON.parse) in customState, output, messages, patches and chunks', async () => {
    const prefix = redis.newPrefix('proto');
    const store = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    const storage = new RedisResumableStorage({ client: redis.client, keyPrefix: prefix });
    const value = JSON.parse('{"__proto__": {"polluted": true}, "list": [{"__proto__": false}]}') as JsonValue;
    const text = JSON.stringify(value);
    const saved = await store.saveState('p', makeState('p', { customState: { value }, output: value, messages: [{ role: 'tool', content: value }] }));
    const loaded = await store.loadState('p');
    expect(JSON.stringify(loaded?.customState)).toBe(`{"value":${text}}`);
    expect(JSON.stringify(loaded?.output)).toBe(text);
    expect(JSON.stringify(loaded?.messages[0]?.content)).toBe(text);
    expect(JSON.stringify((await store.getCheckpoint('p', saved.checkpointId!))?.state.output)).toBe(text);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await storage.create('p');
    await storage.append('p', { type: 'v', value }, 1);
    expect(JSON.stringify((await storage.readFrom('p', 0))[0]?.chunk)).toBe(`{"type":"v","value":${text}}`);
  });

  it('keeps a top-level "__proto__" key of a chunk or a message', async () => {
    const prefix = redis.newPrefix('proto-top');
    const store = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    const storage = new RedisResumableStorage({ client: redis.client, keyPrefix: prefix });
    const chunk = JSON.parse('{"type":"v","__proto__":{"polluted":true},"n":1}') as StreamChunk;
    await storage.create('c');
    await storage.append('c', chunk, 1);
    const [read] = await storage.readFrom('c', 0);
    expect(JSON.stringify(read?.chunk)).toBe(JSON.stringify(chunk));
    expect(Object.hasOwn(read?.chunk ?? {}, '__proto__')).toBe(true);

    const message = JSON.parse('{"role":"tool","content":"x","__proto__":"kept"}') as Message;
    await store.saveState('m', makeState('m', { messages: [message] }));
    await store.appendMessages('m', [message]);
    const loaded = await store.loadState('m');
    expect(loaded?.messages.map((m) => JSON.stringify(m))).toEqual([JSON.stringify(message), JSON.stringify(message)]);
    const page = await store.getMessages('m');
    expect(page.messages.map((m) => JSON.stringify(m))).toEqual([JSON.stringify(message), JSON.stringify(message)]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
