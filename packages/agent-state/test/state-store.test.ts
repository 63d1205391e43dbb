import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { NotFoundError, SchemaTooNewError } from '@redstate/core';
import { RedisStateStore } from '../src/index.js';
import { keysUnder, makeState, messages } from './helpers.js';

describe('RedisStateStore contract', () => {
  const redis = useTestRedis('agent-state');
  const store = () => new RedisStateStore({ client: redis.client, keyPrefix: redis.prefix });

  it('returns null for an unknown session', async () => {
    expect(await store().loadState('nobody')).toBeNull();
  });

  it('round-trips state with awkward JSON exactly', async () => {
    const s = store();
    const customState = {
      empty: [],
      emptyObject: {},
      nested: [[], [{}], { a: [] }],
      big: Number.MAX_SAFE_INTEGER,
      negBig: -9007199254740991,
      huge: 1.7976931348623157e308,
      tiny: 5e-324,
      unicode: 'héllo 🌍 \u0000 "quoted" \\ 日本語',
      nullish: null,
      bool: false,
    };
    const state = makeState('s/1 {x}:*', {
      customState,
      output: { result: [], n: 12345678901234 },
      error: 'boom ✗',
      streamId: 'stream-1',
      parentSessionId: 'parent',
      metadata: { tags: [] },
      messages: [{ role: 'assistant', content: [], toolCalls: [{ id: 'c1', args: {} }] }],
    });
    const result = await s.saveState('s/1 {x}:*', state);
    expect(result).toMatchObject({ version: 1, messageCount: 1 });
    const loaded = await s.loadState('s/1 {x}:*');
    expect(loaded).toMatchObject({ ...state, resumeCount: 0, version: 1 });
    expect(loaded?.customState).toStrictEqual(customState);
    expect(loaded?.messages).toStrictEqual(state.messages);
    expect(loaded!.createdAt).toBeGreaterThan(0);
    expect(loaded!.updatedAt).toBeGreaterThanOrEqual(loaded!.createdAt);
  });

  it('saves without messages keeps the history; later saves bump the version', async () => {
    const s = store();
    await s.saveState('keep', makeState('keep', { messages: messages(3) }));
    const r = await s.saveState('keep', makeState('keep', { stepCount: 2, output: 'x' }));
    expect(r).toMatchObject({ version: 2, messageCount: 3 });
    const loaded = await s.loadState('keep');
    expect(loaded?.messages).toHaveLength(3);
    expect(loaded?.output).toBe('x');
    // a field dropped from the state is dropped from storage
    await s.saveState('keep', makeState('keep', { stepCount: 3 }));
    expect((await s.loadState('keep'))?.output).toBeUndefined();
  });

  it('sync mode appends only the new tail; shorter arrays and replace mode rewrite', async () => {
    const s = store();
    await s.saveState('sync', makeState('sync', { messages: messages(2) }));
    // the stored prefix is not rewritten: change m0 locally, it stays as stored
    const local = messages(4);
    local[0] = { role: 'user', content: 'edited' };
    expect((await s.saveState('sync', makeState('sync', { messages: local }))).messageCount).toBe(4);
    let loaded = await s.loadState('sync');
    expect(loaded?.messages.map((m) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3']);
    await s.saveState('sync', makeState('sync', { messages: local }), { messages: 'replace' });
    loaded = await s.loadState('sync');
    expect(loaded?.messages.map((m) => m.content)).toEqual(['edited', 'm1', 'm2', 'm3']);
    await s.saveState('sync', makeState('sync', { messages: messages(1, 10) }));
    loaded = await s.loadState('sync');
    expect(loaded?.messages.map((m) => m.content)).toEqual(['m10']);
    await s.saveState('sync', makeState('sync', { messages: [] }), { messages: 'replace' });
    expect((await s.loadState('sync'))?.messages).toEqual([]);
  });

  it('appendMessages appends and getMessages pages with hasMore', async () => {
    const s = store();
    await s.saveState('page', makeState('page'));
    expect(await s.appendMessages('page', messages(3))).toBe(3);
    expect(await s.appendMessages('page', messages(2, 3))).toBe(5);
    expect(await s.appendMessages('page', [])).toBe(5);
    const all = await s.getMessages('page');
    expect(all.hasMore).toBe(false);
    expect(all.messages.map((m) => m.content)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4']);
    const first = await s.getMessages('page', { limit: 2 });
    expect(first).toEqual({ messages: messages(2), hasMore: true });
    const mid = await s.getMessages('page', { offset: 2, limit: 3 });
    expect(mid).toEqual({ messages: messages(3, 2), hasMore: false });
    expect(await s.getMessages('page', { offset: 10, limit: 3 })).toEqual({ messages: [], hasMore: false });
    expect(await s.getMessages('unknown')).toEqual({ messages: [], hasMore: false });
  });

  it('appends a long history in one call (more than the Lua unpack slice)', async () => {
    const s = store();
    await s.saveState('long', makeState('long', { messages: messages(1200) }));
    expect(await s.appendMessages('long', messages(1300, 1200))).toBe(2500);
    const page = await s.getMessages('long', { offset: 2498 });
    expect(page.messages.map((m) => m.content)).toEqual(['m2498', 'm2499']);
  });

  it('appendMessages, updateStatus and incrementResumeCount need an existing session', async () => {
    const s = store();
    await expect(s.appendMessages('ghost', messages(1))).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.updateStatus('ghost', 'paused')).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.incrementResumeCount('ghost')).rejects.toBeInstanceOf(NotFoundError);
    expect(await keysUnder(redis.client, `${redis.prefix}:{session:ghost}`)).toEqual([]);
  });

  it('updateStatus and incrementResumeCount', async () => {
    const s = store();
    await s.saveState('st', makeState('st'));
    await s.updateStatus('st', 'paused');
    expect(await s.incrementResumeCount('st')).toBe(1);
    expect(await s.incrementResumeCount('st')).toBe(2);
    const loaded = await s.loadState('st');
    expect(loaded).toMatchObject({ status: 'paused', resumeCount: 2, version: 4 });
    // saveState keeps the resume count
    await s.saveState('st', makeState('st', { stepCount: 5 }));
    expect((await s.loadState('st'))?.resumeCount).toBe(2);
  });

  it('stores keys under the documented names and deleteSession removes every one', async () => {
    const prefix = redis.newPrefix('layout');
    const s = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    await s.saveState('a:b', makeState('a:b', { messages: messages(1) }), { fencingToken: 3 });
    await s.stageChanges('a:b', 'step-1', { toolCallId: 't', patches: [], timestamp: 1 });
    expect(await keysUnder(redis.client, `${prefix}:{session:a`)).toEqual(
      ['checkpoint-data', 'checkpoints', 'fence', 'messages', 'staging', 'state'].map((k) => `${prefix}:{session:a%3Ab}:${k}`),
    );
    await s.saveState('other', makeState('other'));
    expect(await s.deleteSession('a:b')).toBe(true);
    expect(await s.deleteSession('a:b')).toBe(false);
    expect(await keysUnder(redis.client, `${prefix}:{session:a%3Ab}`)).toEqual([]);
    expect(await s.loadState('other')).not.toBeNull();
  });

  it('reports corrupt stored data as CorruptDataError naming the session', async () => {
    const prefix = redis.newPrefix('corrupt');
    const s = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    await s.saveState('bad', makeState('bad', { messages: messages(1) }));
    await redis.client.hset(`${prefix}:{session:bad}:state`, 'customState', '{not json');
    await expect(s.loadState('bad')).rejects.toMatchObject({ code: 'CORRUPT_DATA', message: expect.stringContaining('"bad"') });
    await redis.client.hset(`${prefix}:{session:bad}:state`, 'customState', '{}', 'status', 'weird');
    await expect(s.loadState('bad')).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    await redis.client.hset(`${prefix}:{session:bad}:state`, 'status', 'running');
    await redis.client.rpush(`${prefix}:{session:bad}:messages`, '{"role":"alien"}');
    await expect(s.getMessages('bad')).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('does not touch the user client (no listeners, no commands defined, not closed)', async () => {
    const client = redis.connect();
    const before = client.listenerCount('error');
    const s = new RedisStateStore({ client, keyPrefix: redis.newPrefix('byo') });
    await s.saveState('x', makeState('x'));
    await s.close();
    expect(client.listenerCount('error')).toBe(before);
    expect(await client.ping()).toBe('PONG');
  });

  it('opens and closes its own connection from connection options', async () => {
    const url = new URL(redis.url);
    const s = new RedisStateStore({ host: url.hostname, port: Number(url.port), keyPrefix: redis.newPrefix('owned') });
    await s.saveState('own', makeState('own'));
    expect((await s.loadState('own'))?.sessionId).toBe('own');
    await s.close();
    await expect(s.client.ping()).rejects.toThrow();
  });

  it('refuses to write under a ledger from a newer version (SchemaTooNewError, nothing written)', async () => {
    const prefix = redis.newPrefix('newer');
    await redis.client.hset(`${prefix}:{schema:agent-state}:ledger`, '001-initial', '{}', '999-future', '{}');
    const s = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    await expect(s.saveState('x', makeState('x'))).rejects.toBeInstanceOf(SchemaTooNewError);
    expect(await keysUnder(redis.client, `${prefix}:{session`)).toEqual([]);
  });

  it('ensureSchema records 001-initial once', async () => {
    const s = new RedisStateStore({ client: redis.client, keyPrefix: redis.newPrefix('schema') });
    const first = await s.ensureSchema();
    expect(first.applied).toEqual(['001-initial']);
    const second = await s.ensureSchema();
    expect(second).toEqual({ applied: [], current: ['001-initial'] });
  });
});
