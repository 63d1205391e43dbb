import { flueRedis, type RedisConversationStreamStore, type RedisSubmissionStore } from '@redstate/flue';
import { describeFaults } from '../src/suite.js';
import type { VerifyResult, Workload } from '../src/workload.js';

type DispatchInput = Parameters<RedisSubmissionStore['admitDispatch']>[0];
type Submission = NonNullable<Awaited<ReturnType<RedisSubmissionStore['getSubmission']>>>;
type AppendInput = Parameters<RedisConversationStreamStore['append']>[0];
type ConversationRecord = AppendInput['records'][number];
type ProducerClaim = Awaited<ReturnType<RedisConversationStreamStore['acquireProducer']>>;

const ACCEPTED_AT = '2026-06-03T00:00:00.000Z';

function dispatchOf(submissionId: string, i: number): DispatchInput {
  return {
    submissionId,
    agent: 'reliability',
    id: `inst-${submissionId}`, // its own session, so every submission heads it
    message: { kind: 'signal', type: 'reliability.write', body: `write ${i}` },
    initialData: { i, tags: [] },
    acceptedAt: ACCEPTED_AT, // fixed, so a retry is an exact replay
  };
}

/** What write i leaves behind: admitted (unready), admitted + canonical-ready, or claimed and completed. */
type Stage = 'unready' | 'ready' | 'settled';
const stageOf = (i: number): Stage => (['unready', 'ready', 'settled'] as const)[i % 3] ?? 'unready';
const attemptOf = (i: number) => `attempt-${i}`;

/**
 * Write i = admitDispatch sub-i (idempotent: an exact replay returns the admitted
 * submission); then, by i % 3, nothing, markSubmissionCanonicalReady (idempotent while
 * queued), or ready + claimSubmission + completeSubmission under attempt-i. Claim and
 * complete answer null/false when a retried first attempt already landed; the workload then
 * reads the submission back and accepts only running/settled under this write's attempt.
 * Invariants: each acknowledged submission is stored with its stage, payload and a unique
 * sequence; the unready, runnable and running listings hold exactly rows in those states
 * (in admission order), and list every acknowledged submission of their stage.
 */
function flueWorkload(): Workload {
  const conflicts: string[] = [];
  return {
    name: 'flue',
    async open(client, prefix) {
      const adapter = flueRedis(client, { keyPrefix: prefix });
      await adapter.migrate();
      const store = (await adapter.connect()).submissionStore;
      const owned = async (submissionId: string, attemptId: string, statuses: readonly string[]) => {
        const row = await store.getSubmission(submissionId);
        if (!row || row.attemptId !== attemptId || !statuses.includes(row.status)) {
          throw new Error(`${submissionId}: expected ${statuses.join('/')} under ${attemptId}, found ${JSON.stringify(row && { status: row.status, attemptId: row.attemptId })}`);
        }
      };
      const admit = async (submissionId: string, i: number) => {
        const admission = await store.admitDispatch(dispatchOf(submissionId, i));
        if (admission.kind === 'conflict') conflicts.push(`${submissionId}: an exact replay was refused as a conflict`);
      };
      return {
        async write(i) {
          const id = `sub-${i}`;
          await admit(id, i);
          const stage = stageOf(i);
          if (stage === 'unready') return;
          await store.markSubmissionCanonicalReady(id);
          if (stage === 'ready') return;
          const attempt = { submissionId: id, attemptId: attemptOf(i) };
          const claimed = await store.claimSubmission({ ...attempt, ownerId: 'reliability', leaseExpiresAt: Date.now() + 3_600_000 });
          if (!claimed) await owned(id, attempt.attemptId, ['running', 'settled']);
          if (!(await store.completeSubmission(attempt))) await owned(id, attempt.attemptId, ['settled']);
        },
        async fill(i) {
          await admit(`fill-${i}`, i);
        },
        async verify(acked): Promise<VerifyResult> {
          const lost: number[] = [];
          const violations: string[] = [...conflicts];
          const rows = new Map<number, Submission>();
          for (const i of acked) {
            const row = await store.getSubmission(`sub-${i}`);
            if (!row) {
              lost.push(i);
              continue;
            }
            rows.set(i, row);
            const want = { unready: 'queued', ready: 'queued', settled: 'settled' }[stageOf(i)];
            if (row.status !== want) violations.push(`sub-${i}: status ${row.status}, want ${want}`);
            if (stageOf(i) === 'unready' && row.canonicalReadyAt !== null) violations.push(`sub-${i}: ready without being marked`);
            if (stageOf(i) !== 'unready' && row.canonicalReadyAt === null) violations.push(`sub-${i}: marked ready but is not`);
            if (stageOf(i) === 'settled' && (row.attemptId !== attemptOf(i) || row.attemptCount !== 1 || row.error !== undefined)) {
              violations.push(`sub-${i}: settled as ${JSON.stringify({ attempt: row.attemptId, count: row.attemptCount, error: row.error })}`);
            }
            if (JSON.stringify(row.input.message) !== JSON.stringify(dispatchOf(`sub-${i}`, i).message)) {
              violations.push(`sub-${i}: message ${JSON.stringify(row.input.message)}`);
            }
          }
          const sequences = [...rows.values()].map((r) => r.sequence);
          if (new Set(sequences).size !== sequences.length) violations.push('two submissions share a sequence');
          const listings = {
            unready: await store.listUnreadySubmissions(),
            runnable: await store.listRunnableSubmissions(),
            running: await store.listRunningSubmissions(),
          };
          for (const [name, list] of Object.entries(listings)) {
            for (let k = 1; k < list.length; k++) {
              if ((list[k - 1]?.sequence ?? 0) >= (list[k]?.sequence ?? 0)) violations.push(`${name}: not in admission order`);
            }
            for (const listed of list) {
              const row = await store.getSubmission(listed.submissionId);
              const ok =
                name === 'running'
                  ? row?.status === 'running'
                  : row?.status === 'queued' && (name === 'unready') === (row.canonicalReadyAt === null);
              if (!ok) violations.push(`${name} lists ${listed.submissionId}: ${JSON.stringify(row && { status: row.status, ready: row.canonicalReadyAt })}`);
            }
          }
          const ids = (list: readonly Submission[]) => new Set(list.map((r) => r.submissionId));
          const unready = ids(listings.unready);
          const runnable = ids(listings.runnable);
          const running = ids(listings.running);
          for (const i of rows.keys()) {
            const id = `sub-${i}`;
            const stage = stageOf(i);
            if (stage === 'unready' && !unready.has(id)) violations.push(`${id}: missing from the unready listing`);
            if (stage === 'ready' && !runnable.has(id)) violations.push(`${id}: missing from the runnable listing`);
            if (stage === 'settled' && (running.has(id) || runnable.has(id) || unready.has(id))) violations.push(`${id}: settled but still listed`);
          }
          if (unready.size + runnable.size > 0 && !(await store.hasUnsettledSubmissions())) violations.push('hasUnsettledSubmissions() is false');
          return { checked: acked.length, lost, violations };
        },
        probes() {
          const attempt = { submissionId: 'probe', attemptId: 'probe-attempt' };
          return {
            admitDispatch: () => store.admitDispatch(dispatchOf('probe', 0)),
            getSubmission: () => store.getSubmission('probe'),
            markSubmissionCanonicalReady: () => store.markSubmissionCanonicalReady('probe'),
            claimSubmission: () => store.claimSubmission({ ...attempt, ownerId: 'probe', leaseExpiresAt: Date.now() + 60_000 }),
            completeSubmission: () => store.completeSubmission(attempt),
            listRunnableSubmissions: () => store.listRunnableSubmissions(),
            listUnreadySubmissions: () => store.listUnreadySubmissions(),
            hasUnsettledSubmissions: () => store.hasUnsettledSubmissions(),
          };
        },
      };
    },
  };
}


function recordOf(id: string, text: string): ConversationRecord {
  return {
    v: 1,
    id,
    type: 'user_message',
    conversationId: 'conv_reliability',
    harness: 'default',
    session: 'default',
    timestamp: '2026-06-25T00:00:00.000Z',
    messageId: `m_${id}`,
    parentId: null,
    content: [{ type: 'text', text }],
  } as ConversationRecord;
}

/** Batch `seq` of stream i: two records, so a half-applied batch would show. */
const batchOf = (i: number, seq: number) => [recordOf(`w${i}-b${seq}-a`, `write ${i}`), recordOf(`w${i}-b${seq}-b`, 'x'.repeat(64))];

/**
 * Write i = create stream conv-i, acquire a producer once (the claim is kept across retries)
 * and append batches 0 and 1 under it. An append retried with the same epoch and sequence is
 * an exact retry (Flue's contract: it returns the original offset, nothing is written twice).
 * Invariants: each acknowledged stream reads back exactly batches 0 and 1, in order, each
 * whole; getMeta's offset is the last batch's and the producer's next sequence is 2.
 */
function flueStreamsWorkload(): Workload {
  const claims = new Map<string, Map<number, ProducerClaim>>();
  return {
    name: 'flue-streams',
    async open(client, prefix) {
      const adapter = flueRedis(client, { keyPrefix: prefix });
      await adapter.migrate();
      const stream = (await adapter.connect()).conversationStreamStore;
      const mine = claims.get(prefix) ?? new Map<number, ProducerClaim>();
      claims.set(prefix, mine);
      const identity = { agentName: 'reliability', instanceId: 'streams' };
      const appendAll = async (path: string, i: number, claim: ProducerClaim, batches: number) => {
        for (let seq = 0; seq < batches; seq++) {
          await stream.append({
            path,
            producerId: claim.producerId,
            producerEpoch: claim.producerEpoch,
            incarnation: claim.incarnation,
            producerSequence: seq,
            records: batchOf(i, seq),
          });
        }
      };
      return {
        async write(i) {
          const path = `conv-${i}`;
          await stream.createStream(path, identity);
          let claim = mine.get(i);
          if (!claim) {
            claim = await stream.acquireProducer(path, 'reliability');
            mine.set(i, claim);
          }
          await appendAll(path, i, claim, 2);
        },
        async fill(i) {
          const path = `fill-${i}`;
          await stream.createStream(path, identity);
          await appendAll(path, i, await stream.acquireProducer(path, 'fill'), 1);
        },
        async verify(acked): Promise<VerifyResult> {
          const lost: number[] = [];
          const violations: string[] = [];
          for (const i of acked) {
            const path = `conv-${i}`;
            const { batches } = await stream.read(path, { limit: 100 });
            const want = [batchOf(i, 0), batchOf(i, 1)];
            if (batches.length === 0) {
              lost.push(i);
              continue;
            }
            const got = batches.map((b) => b.records);
            if (JSON.stringify(got) !== JSON.stringify(want)) {
              violations.push(`${path}: batches ${JSON.stringify(got.map((records) => records.map((r) => r.id)))}`);
            }
            const meta = await stream.getMeta(path);
            const last = batches.at(-1)?.offset ?? '';
            if (!meta) violations.push(`${path}: read returns batches but getMeta is null`);
            else if (meta.nextOffset !== last || meta.nextProducerSequence !== 2) {
              violations.push(`${path}: meta at ${meta.nextOffset} / sequence ${meta.nextProducerSequence}, last batch ${last}`);
            }
          }
          return { checked: acked.length, lost, violations };
        },
        probes() {
          return {
            createStream: () => stream.createStream('probe', identity),
            acquireProducer: () => stream.acquireProducer('probe', 'probe'),
            append: () => stream.append({ path: 'probe', producerId: 'probe', producerEpoch: 1, incarnation: 'x', producerSequence: 0, records: batchOf(0, 0) }),
            read: () => stream.read('probe'),
            getMeta: () => stream.getMeta('probe'),
            getFoldCheckpoint: () => stream.getFoldCheckpoint!('probe'),
          };
        },
      };
    },
  };
}

describeFaults(flueWorkload());
describeFaults(flueStreamsWorkload());
