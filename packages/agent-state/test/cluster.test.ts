import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { RedisResumableStorage, RedisStateStore, RedisStreamManager } from '../src/index.js';
import { makeState, messages } from './helpers.js';

describe.runIf(hasTestCluster())('on a 3-master cluster (no CROSSSLOT)', () => {
  const cluster = useTestCluster('agent-cluster');

  it('runs every state-store operation for sessions spread over the slots', async () => {
    const s = new RedisStateStore({ client: cluster.client, keyPrefix: cluster.newPrefix('cs') });
    await s.ensureSchema();
    for (const id of ['alpha', 'beta', 'gamma {x}', 'δ:1']) {
      const saved = await s.saveState(id, makeState(id, { messages: messages(2) }), { fencingToken: 1 });
      expect(saved.checkpointId).not.toBeNull();
      expect(await s.appendMessages(id, messages(2, 2))).toBe(4);
      expect((await s.getMessages(id, { offset: 1, limit: 2 })).hasMore).toBe(true);
      await s.updateStatus(id, 'paused', { fencingToken: 1 });
      expect(await s.compareAndSetStatus(id, ['paused'], 'running')).toBe(true);
      expect(await s.incrementResumeCount(id)).toBe(1);
      await s.stageChanges(id, 'step', { toolCallId: 'c', patches: [{ op: 'add', path: '/notes/-', value: id }], timestamp: 1 });
      expect((await s.promoteStaging(id, 'step')).applied).toBe(1);
      await s.stageChanges(id, 'step2', { toolCallId: 'c', patches: [], timestamp: 1 });
      expect(await s.discardStaging(id, 'step2')).toBe(true);
      expect((await s.listCheckpoints(id)).checkpoints).toHaveLength(1);
      expect(await s.getCheckpoint(id, saved.checkpointId!)).not.toBeNull();
      expect(await s.getLatestCheckpoint(id)).not.toBeNull();
      const loaded = await s.loadState(id);
      expect(loaded).toMatchObject({ status: 'running', resumeCount: 1, customState: { notes: [id] } });
      expect(loaded?.messages).toHaveLength(4);
      expect(await s.deleteSession(id)).toBe(true);
    }
  });

  it('streams: write, blocking read on a duplicated cluster connection, resume, storage API', async () => {
    const prefix = cluster.newPrefix('cst');
    const m = new RedisStreamManager({ client: cluster.client, keyPrefix: prefix, blockTimeout: 200 });
    const storage = new RedisResumableStorage({ client: cluster.client, keyPrefix: prefix, blockTimeout: 200 });
    for (const id of ['s1', 's2', 's3']) {
      const w = await m.createWriter(id, 'a', 't');
      const reader = (await m.createResumableReader(id))!;
      const got: number[] = [];
      const done = (async () => {
        for await (const { sequence } of reader) got.push(sequence);
      })();
      for (let i = 0; i < 5; i++) await w.write({ type: 'n', i });
      await m.endStream(id);
      await done;
      expect(got).toEqual([1, 2, 3, 4, 5]);
      expect((await storage.readFrom(id, 3)).map((c) => c.sequence)).toEqual([4, 5]);
      expect(await m.getInfo(id)).toMatchObject({ status: 'ended', lastSequence: 5 });
    }
    await storage.create('raw');
    await storage.append('raw', { type: 'x' }, 1);
    expect(await storage.end('raw')).toBe(true);
    expect(await storage.getMetadata('raw')).toMatchObject({ status: 'ended', lastSequence: 1 });
  });
});
