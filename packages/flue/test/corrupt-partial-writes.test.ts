import type { AgentSubmissionStore, ConversationStreamStore, SubmissionSettledRecord } from '@flue/runtime/adapter';
import { CorruptDataError } from '@redstate/core';
import { keysMatching, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { FlueKeys, flueRedis, SPILL_BYTES } from '../src/index.js';
import { producerOn, readyDispatch, userRecord } from './helpers.js';

// Corrupt stored data must be reported before a script's first write: Redis keeps every write
// a script made before it raised an error, so a late failure would leave a half-done change.

const redis = useTestRedis('flue-corrupt');
const PATH = 'agents/assistant/agent-1';

type Snapshot = Record<string, unknown>;

/** Every key under the prefix with its full contents (SCAN only in tests). */
async function snapshot(prefix: string): Promise<Snapshot> {
  const out: Snapshot = {};
  for (const key of (await keysMatching(redis.client, `${prefix}:*`)).sort()) {
    const type = await redis.client.type(key);
    if (type === 'hash') out[key] = await redis.client.hgetall(key);
    else if (type === 'zset') out[key] = await redis.client.zrange(key, '0', '-1', 'WITHSCORES');
    else if (type === 'string') out[key] = await redis.client.get(key);
    else out[key] = type;
    out[`${key} ttl`] = (await redis.client.pttl(key)) > 0;
  }
  return out;
}

async function setup() {
  const prefix = redis.newPrefix('cpw');
  const stores = await flueRedis(redis.client, { keyPrefix: prefix }).connect();
  return { prefix, keys: new FlueKeys(prefix), store: stores.submissionStore, stream: stores.conversationStreamStore };
}

/** Rewrites one stored row: a replacement text, or a change to its decoded fields. */
async function corruptRow(keys: FlueKeys, id: string, change: string | ((row: Record<string, unknown>) => void)) {
  const rows = keys.submissionKeys[0]!;
  if (typeof change === 'string') {
    await redis.client.hset(rows, id, change);
    return;
  }
  const row = JSON.parse((await redis.client.hget(rows, id)) ?? 'null') as Record<string, unknown>;
  change(row);
  await redis.client.hset(rows, id, JSON.stringify(row));
}

/** Expects the operation to reject with CorruptDataError and to leave every key as it was. */
async function expectUntouched(prefix: string, operation: () => Promise<unknown>) {
  const before = await snapshot(prefix);
  await expect(operation()).rejects.toBeInstanceOf(CorruptDataError);
  expect(await snapshot(prefix)).toEqual(before);
}

const lease = () => Date.now() + 60_000;

async function claimed(store: AgentSubmissionStore, id: string, overrides: { id?: string } = {}, owner = 'o1') {
  await readyDispatch(store, { submissionId: id, ...overrides });
  const row = await store.claimSubmission({ submissionId: id, attemptId: `${id}-a1`, ownerId: owner, leaseExpiresAt: lease() });
  if (!row) throw new Error(`expected to claim ${id}`);
  return { submissionId: id, attemptId: `${id}-a1` };
}

/** A running host h1 with deliveries d2, d3 of its session joined into it. */
async function hostWithJoined(store: AgentSubmissionStore) {
  const host = await claimed(store, 'h1');
  await readyDispatch(store, { submissionId: 'd2' });
  await readyDispatch(store, { submissionId: 'd3' });
  const joined = await store.claimJoinableSubmissions(host, 'assistant');
  expect(joined.map((s) => s.submissionId)).toEqual(['d2', 'd3']);
  expect(await store.finalizeJoinedSubmission(host, 'd2')).toBe(true);
  expect(await store.finalizeJoinedSubmission(host, 'd3')).toBe(true);
  return host;
}

const record = (submissionId: string) =>
  ({ v: 1, id: 'rec-1', type: 'submission_settled', submissionId, outcome: 'completed' }) as unknown as SubmissionSettledRecord;

describe('settlement fans out only after every joined delivery checked out', () => {
  it('settle-running: a joined delivery that is not JSON leaves the host and the other deliveries untouched', async () => {
    const { prefix, keys, store } = await setup();
    const host = await hostWithJoined(store);
    await corruptRow(keys, 'd3', 'not json');
    await expectUntouched(prefix, () => store.completeSubmission(host));
  });

  it('settle-running: a host without its index member (hm) is refused before any write', async () => {
    const { prefix, keys, store } = await setup();
    const host = await hostWithJoined(store);
    await corruptRow(keys, 'h1', (row) => {
      delete row.hm;
    });
    await expectUntouched(prefix, () => store.failSubmission(host, new Error('boom')));
  });

  it('finalize-settlement: a joined delivery without its session member (sm) leaves everything untouched', async () => {
    const { prefix, keys, store } = await setup();
    const host = await hostWithJoined(store);
    expect(await store.reserveSubmissionSettlement(host, { recordId: 'rec-1', record: record('h1') })).not.toBeNull();
    await corruptRow(keys, 'd3', (row) => {
      delete row.sm;
    });
    await expectUntouched(prefix, () => store.finalizeSubmissionSettlement(host, 'rec-1'));
  });
});

describe('single-row transitions refuse a row without numeric seq or sm before writing', () => {
  const badSeq = (row: Record<string, unknown>) => {
    row.seq = 'garbage';
  };
  const noSm = (row: Record<string, unknown>) => {
    delete row.sm;
  };

  it('claim', async () => {
    const { prefix, keys, store } = await setup();
    await readyDispatch(store, { submissionId: 'd1' });
    await corruptRow(keys, 'd1', badSeq);
    await expectUntouched(prefix, () =>
      store.claimSubmission({ submissionId: 'd1', attemptId: 'a1', ownerId: 'o1', leaseExpiresAt: lease() }),
    );
  });

  it('replace-attempt', async () => {
    const { prefix, keys, store } = await setup();
    const attempt = await claimed(store, 'd1');
    await corruptRow(keys, 'd1', badSeq);
    await expectUntouched(prefix, () => store.replaceSubmissionAttempt(attempt, 'a2', { ownerId: 'o2', leaseExpiresAt: lease() }));
  });

  it('requeue', async () => {
    const { prefix, keys, store } = await setup();
    const attempt = await claimed(store, 'd1');
    await corruptRow(keys, 'd1', badSeq);
    await expectUntouched(prefix, () => store.requeueSubmission(attempt));
  });

  it('renew-leases', async () => {
    const { prefix, keys, store } = await setup();
    await claimed(store, 'd1');
    await corruptRow(keys, 'd1', badSeq);
    await expectUntouched(prefix, () => store.renewLeases('o1', ['d1']));
  });

  it('reserve-settlement', async () => {
    const { prefix, keys, store } = await setup();
    const attempt = await claimed(store, 'd1');
    await corruptRow(keys, 'd1', badSeq);
    await expectUntouched(prefix, () => store.reserveSubmissionSettlement(attempt, { recordId: 'rec-1', record: record('d1') }));
  });

  it('settle-queued', async () => {
    const { prefix, keys, store } = await setup();
    await readyDispatch(store, { submissionId: 'd1' });
    await corruptRow(keys, 'd1', noSm);
    await expectUntouched(prefix, () => store.settleQueuedSubmission('d1', 'failed', new Error('boom')));
  });

  it('join-step revert', async () => {
    const { prefix, keys, store } = await setup();
    const host = await claimed(store, 'h1');
    await readyDispatch(store, { submissionId: 'd2' });
    expect(await store.claimJoinableSubmissions(host, 'assistant')).toHaveLength(1);
    await corruptRow(keys, 'd2', badSeq);
    await expectUntouched(prefix, () => store.revertJoiningSubmission(host, 'd2'));
  });

  it('settle-running of the host itself', async () => {
    const { prefix, keys, store } = await setup();
    const attempt = await claimed(store, 'd1');
    await corruptRow(keys, 'd1', noSm);
    await expectUntouched(prefix, () => store.completeSubmission(attempt));
  });

  it('finalize-settlement of the host itself', async () => {
    const { prefix, keys, store } = await setup();
    const attempt = await claimed(store, 'd1');
    expect(await store.reserveSubmissionSettlement(attempt, { recordId: 'rec-1', record: record('d1') })).not.toBeNull();
    await corruptRow(keys, 'd1', noSm);
    await expectUntouched(prefix, () => store.finalizeSubmissionSettlement(attempt, 'rec-1'));
  });
});

describe('reads report a corrupt row', () => {
  it('getSubmission and the listings reject a row that is not JSON with CorruptDataError', async () => {
    const { keys, store } = await setup();
    await readyDispatch(store, { submissionId: 'd1' });
    await corruptRow(keys, 'd1', 'not json');
    await expect(store.getSubmission('d1')).rejects.toBeInstanceOf(CorruptDataError);
    await expect(store.listRunnableSubmissions()).rejects.toBeInstanceOf(CorruptDataError);
    await expect(store.markSubmissionCanonicalReady('d1')).rejects.toBeInstanceOf(CorruptDataError);
  });
});

describe('multi-row scripts check every row before writing any', () => {
  it('renew-leases: a corrupt second row leaves the first lease as it was', async () => {
    const { prefix, keys, store } = await setup();
    await claimed(store, 'd1', { id: 'agent-1' });
    await claimed(store, 'd2', { id: 'agent-2' });
    await corruptRow(keys, 'd2', 'not json');
    await expectUntouched(prefix, () => store.renewLeases('o1', ['d1', 'd2']));
  });

  it('abort-session: a corrupt later row leaves earlier rows without the abort stamp', async () => {
    const { prefix, keys, store } = await setup();
    const first = await readyDispatch(store, { submissionId: 'd1' });
    await readyDispatch(store, { submissionId: 'd2' });
    await corruptRow(keys, 'd2', 'not json');
    await expectUntouched(prefix, () => store.requestSessionAbort(first.sessionKey));
  });

  it('claim-joinable: a corrupt later row leaves earlier rows queued', async () => {
    const { prefix, keys, store } = await setup();
    const host = await claimed(store, 'h1');
    await readyDispatch(store, { submissionId: 'd2' });
    await readyDispatch(store, { submissionId: 'd3' });
    await corruptRow(keys, 'd3', 'not json');
    await expectUntouched(prefix, () => store.claimJoinableSubmissions(host, 'assistant'));
  });
});

describe('append checks the stream before its first write', () => {
  const big = () => [userRecord('big', 'x'.repeat(SPILL_BYTES + 10))];

  async function appendSetup() {
    const s = await setup();
    const producer = await producerOn(s.stream, PATH);
    await s.stream.append({ path: PATH, ...producer, producerSequence: 0, records: [userRecord('r0')] });
    return { ...s, producer };
  }

  const append = (stream: ConversationStreamStore, producer: Awaited<ReturnType<typeof producerOn>>, records = big()) =>
    stream.append({ path: PATH, ...producer, producerSequence: 1, records });

  it('a non-integer batch counter: nothing written and the staged spill keeps its TTL', async () => {
    const { prefix, keys, stream, producer } = await appendSetup();
    await redis.client.hset(keys.stream(PATH, 'meta'), 'next', 'garbage');
    const before = await snapshot(prefix);
    await expect(append(stream, producer)).rejects.toBeInstanceOf(CorruptDataError);
    const after = await snapshot(prefix);
    const spills = Object.keys(after).filter((k) => k.includes(':spill:') && !k.endsWith(' ttl'));
    expect(spills).toHaveLength(1);
    for (const k of spills) expect(after[`${k} ttl`]).toBe(true);
    for (const k of spills) {
      delete after[k];
      delete after[`${k} ttl`];
    }
    expect(after).toEqual(before);
  });

  it('a batches key of another type: refused with nothing written', async () => {
    const { prefix, keys, stream, producer } = await appendSetup();
    await redis.client.del(keys.stream(PATH, 'batches'));
    await redis.client.set(keys.stream(PATH, 'batches'), 'not a hash');
    await expectUntouched(prefix, () => append(stream, producer, [userRecord('r1')]));
  });

  it('a batch-meta key of another type: no orphan batch is left behind', async () => {
    const { prefix, keys, stream, producer } = await appendSetup();
    await redis.client.del(keys.stream(PATH, 'bmeta'));
    await redis.client.set(keys.stream(PATH, 'bmeta'), 'not a hash');
    await expectUntouched(prefix, () => append(stream, producer, [userRecord('r1')]));
  });
});
