import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { flueRedis } from '@redstate/flue';
import { onClusterTarget, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { boot, conversationPath } from '../src/app.ts';
import { postMessage, snapshot, textOf, waitForSettlement } from '../src/http-client.ts';
import { readPersisted } from '../src/inspect.ts';
import { AGENT_MOUNT, serveApp } from '../src/server.ts';

describe('the Flue app example', () => {
  const redis = useTestRedis('flue-example');

  it('persists the conversation, agent state and submissions in Redis, and continues after a restart', async () => {
    const prefix = redis.newPrefix();
    const first = await boot(redis.client, prefix, 'ada', ['hello', 'me again']);
    expect(first.map((t) => t.reply)).toEqual([
      'Welcome! Visit #1; this is our first conversation.',
      'Welcome! Visit #2; I remember 1 earlier message(s).',
    ]);

    // A new runtime with a new adapter: everything it knows about "ada" comes from Redis.
    const second = await boot(redis.client, prefix, 'ada', ['back again']);
    expect(second.map((t) => t.reply)).toEqual(['Welcome! Visit #3; I remember 2 earlier message(s).']);

    const ids = [...first, ...second].map((t) => t.receipt.submissionId);
    const saved = await readPersisted(redis.connect(), prefix, 'ada', ids);
    expect(saved.userMessages).toEqual(['hello', 'me again', 'back again']);
    expect(saved.visitWrites).toEqual([1, 2, 3]);
    expect(saved.meta).toMatchObject({ identity: { agentName: 'VisitCounter', instanceId: 'ada' }, producerEpoch: 2 });
    expect(saved.records.filter((r) => r.type === 'conversation_created')).toHaveLength(1);
    expect(saved.records.filter((r) => r.type === 'submission_settled').map((r) => r.submissionId)).toEqual(ids);
    expect(saved.records.filter((r) => r.type === 'tool_outcome').map((r) => r.output)).toEqual(['visits: 1', 'visits: 2', 'visits: 3']);
    expect(saved.submissions.map((s) => [s?.submissionId, s?.status, s?.attemptCount, s?.kind])).toEqual(ids.map((id) => [id, 'settled', 1, 'dispatch']));
    expect(saved.unsettled).toBe(false);
    // Offsets are contiguous from 0 and the head is the last batch: nothing lost across the restart.
    expect(saved.offsets.map((o) => Number(o.split('_')[1]))).toEqual(saved.offsets.map((_, i) => i));
    expect(saved.meta?.nextOffset).toBe(saved.offsets.at(-1));
  });

  it('keeps agent instances apart: each has its own stream and its own state', async () => {
    const prefix = redis.newPrefix();
    await boot(redis.client, prefix, 'a', ['one', 'two']);
    const b = await boot(redis.client, prefix, 'b', ['one']);
    expect(b[0]?.reply).toBe('Welcome! Visit #1; this is our first conversation.');
    expect((await readPersisted(redis.client, prefix, 'a', [])).visitWrites).toEqual([1, 2]);
    expect((await readPersisted(redis.client, prefix, 'b', [])).visitWrites).toEqual([1]);
    // A prefix is a separate namespace: nothing of `prefix` is visible under another one.
    expect((await readPersisted(redis.client, redis.newPrefix(), 'a', [])).records).toEqual([]);
  });

  it('a subscriber on another connection is notified of every append and reads the new batches', async () => {
    const prefix = redis.newPrefix();
    // As another process would: its own client, its own adapter.
    const watcher = flueRedis(redis.connect(), { keyPrefix: prefix });
    const { conversationStreamStore: streams } = await watcher.connect();
    const path = conversationPath('watched');
    let notices = 0;
    const unsubscribe = streams.subscribe(path, () => {
      notices++;
    });
    try {
      // Wait until the watcher's subscription is active on the server before the app appends.
      await expect.poll(async () => (await redis.client.pubsub('CHANNELS', `${prefix}:*`)).length).toBeGreaterThan(0);
      await boot(redis.client, prefix, 'watched', ['ping']);
      await expect.poll(() => notices).toBeGreaterThan(0);
      const read = await streams.read(path);
      expect(read.batches.length).toBeGreaterThan(0);
      expect(read.batches.flatMap((b) => b.records).some((r) => r.type === 'submission_settled')).toBe(true);
    } finally {
      unsubscribe();
      await watcher.close();
    }
  });

  it("serves Flue's HTTP surface: a POSTed message is admitted, streamed by long-poll and read back from Redis", async () => {
    const prefix = redis.newPrefix();
    await boot(redis.client, prefix, 'web', ['first, by dispatch()']);
    const app = await serveApp(redis.client, prefix);
    const agentUrl = app.url + AGENT_MOUNT;
    try {
      expect((await fetch(`${agentUrl}/nobody`)).status).toBe(404); // stream_not_found: never contacted

      const admitted = await postMessage(agentUrl, 'web', 'second, over HTTP');
      const chunks = await waitForSettlement(agentUrl, 'web', admitted.offset, admitted.submissionId);
      expect(chunks.filter((c) => c.type === 'submission-settled')).toEqual([expect.objectContaining({ submissionId: admitted.submissionId, outcome: 'completed' })]);

      const snap = await snapshot(agentUrl, 'web');
      expect(snap.messages.filter((m) => m.role === 'user').map(textOf)).toEqual(['first, by dispatch()', 'second, over HTTP']);
      expect(textOf(snap.messages.at(-1) ?? { role: '', parts: [] })).toBe('Welcome! Visit #2; I remember 1 earlier message(s).');
      expect(snap.settlements.map((x) => [x.outcome])).toEqual([['completed'], ['completed']]);

      // The same data, read straight from Redis on another connection.
      const saved = await readPersisted(redis.connect(), prefix, 'web', [admitted.submissionId]);
      expect(saved.userMessages).toEqual(['first, by dispatch()', 'second, over HTTP']);
      expect(saved.visitWrites).toEqual([1, 2]);
      expect(saved.submissions[0]).toMatchObject({ submissionId: admitted.submissionId, status: 'settled' });
      expect(saved.meta?.nextOffset).toBe(snap.offset);
    } finally {
      await app.stop();
    }
  });

  // The entry point gets REDIS_URL, which names the standalone server, not the cluster.
  it.skipIf(onClusterTarget())('the entry point (`pnpm start`) runs its three boots against REDIS_URL; a second run continues the same conversation', async () => {
    const prefix = redis.newPrefix();
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const run = () =>
      promisify(execFile)(process.execPath, [main], {
        env: { ...process.env, REDIS_URL: redis.url, EXAMPLE_PREFIX: prefix, EXAMPLE_INSTANCE: 'cli' },
        timeout: 60_000,
      });
    const once = await run();
    expect(once.stdout).toContain('Welcome! Visit #3; I remember 2 earlier message(s).');
    expect(once.stdout).toContain('Welcome! Visit #4; I remember 3 earlier message(s).'); // over HTTP
    const twice = await run();
    expect(twice.stdout).toContain('Welcome! Visit #8; I remember 7 earlier message(s).');
    const saved = await readPersisted(redis.client, prefix, 'cli', []);
    expect(saved.visitWrites).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(saved.meta?.producerEpoch).toBe(6); // three boots per run
    expect(saved.unsettled).toBe(false);
  });
});
