import type { ConversationProducerClaim, ConversationRecord, DispatchInput } from '@flue/runtime/adapter';
import { flueRedis } from '@redstate/flue';
import { measure } from '../measure.ts';
import { bytesPerRecord } from '../memory.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';
import { forEachConcurrent } from '../seed.ts';

/** Conversation streams written round robin: consecutive appends to one stream are this many ops apart. */
const STREAMS = 1000;

function dispatch(i: number): DispatchInput {
  return {
    submissionId: `sub-${i}`,
    agent: 'assistant',
    id: `inst-${i}`,
    message: { kind: 'signal', type: 'order.created', body: `order ${i}` },
    acceptedAt: new Date(1_780_000_000_000 + i).toISOString(),
  } as DispatchInput;
}

function record(i: number): ConversationRecord {
  return {
    v: 1,
    id: `rec-${i}`,
    type: 'user_message',
    conversationId: 'conv_bench',
    harness: 'default',
    session: 'default',
    timestamp: '2026-06-25T00:00:00.000Z',
    messageId: `m_${i}`,
    parentId: null,
    content: [{ type: 'text', text: `message ${i}: please summarise the order` }],
  } as ConversationRecord;
}

const path = (i: number) => `agents/assistant/inst-${i % STREAMS}`;

/** Flue persistence (no published Redis peer): a submission's admit -> ready -> claim -> settle, and conversation append/read. */
export const flue: Scenario = {
  name: 'flue',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const opts = { ops: ctx.ops, concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 10) };
    const adapter = flueRedis(ctx.connect(), { keyPrefix: ctx.prefix('flue') });
    await adapter.migrate();
    const { submissionStore, conversationStreamStore } = await adapter.connect();
    const results: ScenarioResult[] = [];
    try {
      // Every op works on its own submission (ids 0 .. warm-up + ops - 1), one step of its life per row.
      const admit = await bytesPerRecord(ctx.admin, opts.ops + opts.warmup, () =>
        measure(ctx.admin, ctx.port, {
          ...opts,
          op: async (i) => {
            const admission = await submissionStore.admitDispatch(dispatch(i));
            if (admission.kind !== 'submission') throw new Error(`admission of sub-${i} returned ${admission.kind}`);
          },
        }),
      );
      results.push({ scenario: 'flue submission admitDispatch', subject: 'redstate', measurement: admit.value, bytesPerRecord: admit.bytes });
      const ready = await measure(ctx.admin, ctx.port, {
        ...opts,
        op: async (i) => {
          if (!(await submissionStore.markSubmissionCanonicalReady(`sub-${i}`))) throw new Error(`sub-${i} not made ready`);
        },
      });
      results.push({ scenario: 'flue submission markCanonicalReady', subject: 'redstate', measurement: ready });
      const leaseExpiresAt = Date.now() + 10 * 60_000;
      const claim = await measure(ctx.admin, ctx.port, {
        ...opts,
        op: async (i) => {
          const claimed = await submissionStore.claimSubmission({ submissionId: `sub-${i}`, attemptId: `a-${i}`, ownerId: 'bench', leaseExpiresAt });
          if (!claimed) throw new Error(`sub-${i} not claimed`);
        },
      });
      results.push({ scenario: 'flue submission claim', subject: 'redstate', measurement: claim });
      const settle = await measure(ctx.admin, ctx.port, {
        ...opts,
        op: async (i) => {
          if (!(await submissionStore.completeSubmission({ submissionId: `sub-${i}`, attemptId: `a-${i}` }))) throw new Error(`sub-${i} not settled`);
        },
      });
      results.push({ scenario: 'flue submission settle (complete)', subject: 'redstate', measurement: settle });

      const producers: ConversationProducerClaim[] = [];
      await forEachConcurrent(STREAMS, 32, async (i) => {
        await conversationStreamStore.createStream(path(i), { agentName: 'assistant', instanceId: `inst-${i}` });
        producers[i] = await conversationStreamStore.acquireProducer(path(i), 'coordinator');
      });
      const append = await measure(ctx.admin, ctx.port, {
        ...opts,
        op: (i) => {
          const producer = producers[i % STREAMS]!;
          return conversationStreamStore.append({
            path: path(i),
            producerId: producer.producerId,
            producerEpoch: producer.producerEpoch,
            incarnation: producer.incarnation,
            producerSequence: Math.floor(i / STREAMS),
            records: [record(i)],
          });
        },
      });
      results.push({ scenario: 'flue conversation append (1 record)', subject: 'redstate', measurement: append });
      const read = await measure(ctx.admin, ctx.port, {
        ...opts,
        op: async (i) => {
          const page = await conversationStreamStore.read(path(i));
          if (page.batches.length === 0) throw new Error(`nothing read from ${path(i)}`);
        },
      });
      results.push({ scenario: 'flue conversation read (from start)', subject: 'redstate', measurement: read });
    } finally {
      await adapter.close();
    }
    return results;
  },
};
