import { CorruptDataError, Keyspace } from '@redstate/core';
import { useTestRedis } from '@redstate/testing/vitest';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisStateStore, RedisStreamManager } from '../src/index.js';
import { CHECKPOINT_DATA, CHECKPOINT_INDEX, MESSAGES, STATE, sessionKeys, streamKeys } from '../src/keys.js';
import { PikkuAgentKeys, RedisAgentRunService, RedisAgentStorageService } from '../src/pikku.js';
import { makeState, messages } from './helpers.js';

const usage = { inputTokens: 0, outputTokens: 0, model: 'm' };

/** Every key's serialized value and whether it expires: equal snapshots = nothing written. */
async function snapshot(client: Redis, keys: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const dump = await client.dumpBuffer(key);
    out[key] = { value: dump === null ? null : dump.toString('hex'), expires: (await client.pttl(key)) > 0 };
  }
  return out;
}

/** Replaces a key with a string: another Redis type for every key these tests corrupt. */
async function wrongType(client: Redis, key: string): Promise<void> {
  await client.del(key);
  await client.set(key, 'not-what-you-expect');
}

describe('corrupt stored data: scripts fail before their first write', () => {
  const redis = useTestRedis('agent-corrupt');

  async function session(id: string) {
    const prefix = redis.newPrefix('cpw');
    const store = new RedisStateStore({ client: redis.client, keyPrefix: prefix });
    await store.saveState(id, makeState(id, { messages: messages(2) }), { fencingToken: 3 });
    const keys = sessionKeys(new Keyspace(prefix), id);
    return { store, keys, snap: () => snapshot(redis.client, keys) };
  }

  it('saveState: messages key of another type writes nothing (state, version, fence)', async () => {
    const { store, keys, snap } = await session('s1');
    await wrongType(redis.client, keys[MESSAGES]!);
    const before = await snap();
    await expect(store.saveState('s1', makeState('s1', { stepCount: 2, messages: messages(3) }), { fencingToken: 9 })).rejects.toThrow(/WRONGTYPE/);
    expect(await snap()).toEqual(before);
  });

  it('saveState: non-integer checkpointSeq or version is CorruptDataError and writes nothing', async () => {
    for (const field of ['checkpointSeq', 'version']) {
      const { store, keys, snap } = await session(`s2-${field}`);
      await redis.client.hset(keys[STATE]!, field, 'garbage');
      const before = await snap();
      const next = makeState(`s2-${field}`, { stepCount: 2, messages: messages(3) });
      await expect(store.saveState(`s2-${field}`, next, { fencingToken: 9 })).rejects.toBeInstanceOf(CorruptDataError);
      expect(await snap()).toEqual(before);
    }
  });

  it('saveState: checkpoint index or data of another type writes nothing', async () => {
    for (const which of [CHECKPOINT_INDEX, CHECKPOINT_DATA]) {
      const { store, keys, snap } = await session(`s3-${which}`);
      await wrongType(redis.client, keys[which]!);
      const before = await snap();
      const next = makeState(`s3-${which}`, { stepCount: 2, messages: messages(3) });
      await expect(store.saveState(`s3-${which}`, next, { fencingToken: 9 })).rejects.toThrow(/WRONGTYPE/);
      expect(await snap()).toEqual(before);
    }
  });

  it('appendMessages: state or messages key of another type writes nothing', async () => {
    for (const which of [STATE, MESSAGES]) {
      const { store, keys, snap } = await session(`a-${which}`);
      await wrongType(redis.client, keys[which]!);
      const before = await snap();
      await expect(store.appendMessages(`a-${which}`, messages(2, 5), { fencingToken: 9 })).rejects.toThrow(/WRONGTYPE/);
      expect(await snap()).toEqual(before);
    }
  });

  it('endStream: bad lastSequence is CorruptDataError, or rejected, and writes nothing', async () => {
    const prefix = redis.newPrefix('cpw-stream');
    const manager = new RedisStreamManager({ client: redis.client, keyPrefix: prefix });
    const cases: [string, string | null, unknown][] = [
      ['missing', null, CorruptDataError],
      ['text', 'garbage', CorruptDataError],
      ['below', '0', Error],
    ];
    for (const [name, value, error] of cases) {
      const writer = await manager.createWriter(`st-${name}`, 'agent', 'type');
      await writer.write({ type: 'text_delta', delta: 'x' });
      const keys = streamKeys(new Keyspace(prefix), `st-${name}`);
      if (value === null) await redis.client.hdel(keys[0], 'lastSequence');
      else await redis.client.hset(keys[0], 'lastSequence', value);
      const before = await snapshot(redis.client, keys);
      await expect(manager.endStream(`st-${name}`)).rejects.toBeInstanceOf(error);
      await expect(manager.failStream(`st-${name}`, 'boom')).rejects.toBeInstanceOf(error);
      expect(await snapshot(redis.client, keys)).toEqual(before);
    }
  });

  it('compareAndSetStatus, updateStatus, incrementResumeCount: non-integer version is CorruptDataError, nothing written', async () => {
    const { store, keys, snap } = await session('v');
    await redis.client.hset(keys[STATE]!, 'version', 'garbage');
    const before = await snap();
    await expect(store.compareAndSetStatus('v', ['running'], 'completed')).rejects.toBeInstanceOf(CorruptDataError);
    await expect(store.updateStatus('v', 'completed', { fencingToken: 9 })).rejects.toBeInstanceOf(CorruptDataError);
    await expect(store.incrementResumeCount('v')).rejects.toBeInstanceOf(CorruptDataError);
    expect(await snap()).toEqual(before);
  });

  it('promoteStaging: a version stored as "1.0" is CorruptDataError, nothing written', async () => {
    const { store, keys, snap } = await session('p');
    await store.stageChanges('p', 'step', { toolCallId: 't', patches: [{ op: 'add', path: '/x', value: 1 }], timestamp: 1 });
    await redis.client.hset(keys[STATE]!, 'version', '1.0');
    const before = await snap();
    await expect(store.promoteStaging('p', 'step')).rejects.toBeInstanceOf(CorruptDataError);
    expect(await snap()).toEqual(before);
  });

  describe('Pikku', () => {
    async function services() {
      const prefix = redis.newPrefix('cpw-pikku');
      const storage = new RedisAgentStorageService(redis.client, { keyPrefix: prefix });
      const keys = new PikkuAgentKeys(prefix);
      return { storage, runs: new RedisAgentRunService(redis.client, { keyPrefix: prefix }), keys };
    }
    const run = (threadId: string, agentName = 'agent') => ({
      agentName,
      threadId,
      resourceId: 'r',
      status: 'suspended' as const,
      suspendReason: 'approval' as const,
      pendingApprovals: [{ type: 'tool-call' as const, toolCallId: `tc-${threadId}`, toolName: 'n', args: {} }],
      usage,
      createdAt: new Date(),
      updatedAt: new Date(),
    });

    it('createRun: corrupt agent count or wrong-typed run keys write nothing to the thread', async () => {
      const { storage, keys } = await services();
      const corruptions: [string, (tk: ReturnType<PikkuAgentKeys['thread']>) => Promise<unknown>, unknown][] = [
        ['count', (tk) => redis.client.hset(tk.agents, 'agent', 'garbage'), CorruptDataError],
        ['versions', (tk) => wrongType(redis.client, tk.runVersions), Error],
        ['agents', (tk) => wrongType(redis.client, tk.agents), Error],
        ['tools', (tk) => wrongType(redis.client, tk.toolCalls), Error],
      ];
      for (const [name, corrupt, error] of corruptions) {
        const t = await storage.createThread('r', { threadId: `cr-${name}` });
        await storage.createRun(run(t.id));
        const tk = keys.thread(t.id);
        await corrupt(tk);
        const before = await snapshot(redis.client, tk.all);
        await expect(storage.createRun(run(t.id))).rejects.toBeInstanceOf(error);
        expect(await snapshot(redis.client, tk.all)).toEqual(before);
      }
    });

    it('updateRun: a version stored as "1.0" is CorruptDataError, nothing written', async () => {
      const { storage, keys } = await services();
      const t = await storage.createThread('r', { threadId: 'cas' });
      const runId = await storage.createRun(run(t.id));
      const tk = keys.thread(t.id);
      await redis.client.hset(tk.runVersions, runId.slice(0, 36), '1.0');
      const before = await snapshot(redis.client, tk.all);
      const next = { pendingApprovals: [{ type: 'tool-call' as const, toolCallId: 'tc-new', toolName: 'n', args: {} }] };
      await expect(storage.updateRun(runId, next)).rejects.toBeInstanceOf(CorruptDataError);
      expect(await snapshot(redis.client, tk.all)).toEqual(before);
    });

    it('deleteThread: a corrupt count of a later agent leaves the agent-name counts untouched', async () => {
      const { storage, runs, keys } = await services();
      const t = await storage.createThread('r', { threadId: 'names' });
      await storage.createRun(run(t.id, 'first'));
      await storage.createRun(run(t.id, 'second'));
      await redis.client.hset(keys.agentNames, 'second', 'garbage');
      const before = await snapshot(redis.client, [keys.agentNames]);
      await expect(runs.deleteThread(t.id)).rejects.toBeInstanceOf(CorruptDataError);
      expect(await snapshot(redis.client, [keys.agentNames])).toEqual(before);
    });

    it('saveMessages: wrong-typed thread or message keys write nothing', async () => {
      const { storage, keys } = await services();
      for (const field of ['data', 'messageData'] as const) {
        const t = await storage.createThread('r', { threadId: `sm-${field}` });
        await storage.saveMessages(t.id, [{ id: 'm0', role: 'user', content: 'c', createdAt: new Date() }]);
        const tk = keys.thread(t.id);
        await wrongType(redis.client, tk[field]);
        const before = await snapshot(redis.client, tk.all);
        const more = [
          { id: 'm1', role: 'user' as const, content: 'c', createdAt: new Date() },
          { id: 'm2', role: 'user' as const, content: 'c', createdAt: new Date() },
        ];
        await expect(storage.saveMessages(t.id, more)).rejects.toThrow(/WRONGTYPE/);
        expect(await snapshot(redis.client, tk.all)).toEqual(before);
      }
    });
  });
});
