import { RedisStateStore, RedisStreamManager } from '@redstate/agent-state';
import { StaleFencingTokenError } from '@redstate/core';
import { RedisLockManager } from '@redstate/locks';
import { RedisUsageStore } from '@redstate/usage';
import { detail, step } from './report.mjs';

const WORDS = ['Refund', 'of', '$42', 'approved', 'pending', 'a', 'human', 'check', 'of', 'the', 'order.'];

/**
 * An agent session run by a worker that crashes mid-stream: the lock's fencing token keeps
 * the dead worker from writing after the takeover, and the reader resumes at its last sequence.
 */
export async function runAgentSession({ server, prefix, sessionId }) {
  const admin = server.connect();
  const locks = new RedisLockManager(admin, { keyPrefix: `${prefix}:locks` });
  const usage = new RedisUsageStore(admin, { keyPrefix: prefix });
  const recordUsage = (id, stepCount, entry) =>
    usage.recordEntry({ id, sessionId, stepCount, source: { type: 'agent', name: 'refund-agent' }, ...entry });
  const storeFor = (client) => new RedisStateStore({ client, keyPrefix: `${prefix}:agents` });
  const streamsFor = (client) => new RedisStreamManager({ client, keyPrefix: `${prefix}:agents` });

  // Worker A takes the session lock and starts streaming.
  const workerA = server.connect();
  const lockA = await step('worker A locks the session', () => locks.acquire(sessionId, { ttlMs: 800 }));
  detail(`fencing token ${lockA.fencingToken}, lease until ${lockA.expiresAt.toISOString()}`);
  const storeA = storeFor(workerA);
  await step('worker A saves the running state (fenced)', () =>
    storeA.saveState(
      sessionId,
      { sessionId, agentType: 'refund-agent', status: 'running', stepCount: 1, customState: { orderId: 'o-1001' }, streamId: sessionId },
      { fencingToken: lockA.fencingToken },
    ),
  );
  const writerA = await streamsFor(workerA).createWriter(sessionId, 'agent-a', 'refund-agent');
  let lastSeen = 0;
  await step('worker A streams 4 tokens', async () => {
    for (const word of WORDS.slice(0, 4)) lastSeen = await writerA.write({ type: 'text-delta', text: word });
  });
  await recordUsage('a-step-1', 1, { kind: 'tokens', model: 'demo-model', tokens: { prompt: 320, completion: 4 } });
  detail(`the client read up to sequence ${lastSeen}`);

  // Crash: worker A's connection dies; its lease runs out.
  workerA.disconnect();
  await step('worker A crashes; its lease expires', () => new Promise((r) => setTimeout(r, 900)));

  // Worker B takes over with a newer token and resumes.
  const workerB = server.connect();
  const lockB = await step('worker B takes the lock', () => locks.acquire(sessionId, { ttlMs: 10_000, waitMs: 5_000 }));
  detail(`fencing token ${lockB.fencingToken} (> ${lockA.fencingToken})`);
  const storeB = storeFor(workerB);
  // Its first write carries the new token: from then on the store refuses older ones.
  const state = await step('worker B claims the session (fenced) and loads it', async () => {
    await storeB.updateStatus(sessionId, 'running', { fencingToken: lockB.fencingToken });
    await storeB.incrementResumeCount(sessionId);
    return storeB.loadState(sessionId);
  });
  detail(`status ${state.status}, step ${state.stepCount}, order ${state.customState.orderId}`);

  // The zombie: worker A's stale write arrives late and is refused.
  const zombie = server.connect();
  const stale = await step('a late write from worker A (old token)', () =>
    storeFor(zombie)
      .saveState(sessionId, { ...state, status: 'failed', stepCount: 99 }, { fencingToken: lockA.fencingToken })
      .then(() => 'accepted', (error) => (StaleFencingTokenError.isInstance(error) ? 'refused: StaleFencingTokenError' : `error: ${error.message}`)),
  );
  detail(stale);
  zombie.disconnect();

  const writerB = await streamsFor(workerB).createWriter(sessionId, 'agent-b', 'refund-agent');
  await step('worker B streams the rest and ends the stream', async () => {
    for (const word of WORDS.slice(4)) await writerB.write({ type: 'text-delta', text: word });
    await streamsFor(workerB).endStream(sessionId);
  });
  await recordUsage('b-step-2', 2, { kind: 'tokens', model: 'demo-model', tokens: { prompt: 410, completion: WORDS.length - 4 } });
  await recordUsage('b-tool-1', 2, { kind: 'tool', toolName: 'lookupOrder', success: true, durationMs: 12 });

  // The client reconnects with the last sequence it saw (SSE Last-Event-ID) and gets the rest.
  const resumed = await step(`the client resumes after sequence ${lastSeen}`, async () => {
    const reader = await streamsFor(admin).createResumableReader(sessionId, { fromSequence: lastSeen });
    const got = [];
    for await (const item of reader) got.push(item);
    return got;
  });
  const text = resumed.map((r) => r.chunk.text).join(' ');
  detail(`received sequences ${resumed[0]?.sequence}..${resumed.at(-1)?.sequence}: "${text}"`);

  await step('worker B marks the session completed (fenced)', () =>
    storeB.saveState(sessionId, { ...state, status: 'completed', stepCount: 2 }, { fencingToken: lockB.fencingToken }),
  );
  await lockB.release();

  const rollup = await step('usage rollup for the session (one read)', () => usage.getRollup(sessionId));
  detail(`${rollup.entryCount} entries, ${rollup.tokens.total} tokens (${rollup.tokens.prompt} prompt), ${rollup.tools.calls} tool call`);

  workerB.disconnect();
  const final = await storeFor(admin).loadState(sessionId);
  admin.disconnect();
  return { final, resumed, lockA, lockB, rollup, stale };
}
