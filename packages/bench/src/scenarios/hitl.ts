import { type NewHumanRequestRecord, RedisHitlState, type ResolvedResult } from '@redstate/hitl';
import { measure } from '../measure.ts';
import { bytesPerRecord } from '../memory.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';
import { forEachConcurrent, scalingSizes } from '../seed.ts';

const actions = [
  { id: 'approve', label: 'Approve', style: 'primary' as const },
  { id: 'reject', label: 'Reject', style: 'danger' as const },
];

function request(i: number): NewHumanRequestRecord {
  return {
    id: `r-${i}`,
    token: `t-${i}`,
    channel: 'slack',
    namespace: i % 2 === 0 ? 'finance' : 'ops',
    message: `Approve refund #${i} of 120 EUR?`,
    actions,
    context: { orderId: `o-${i}`, amount: 120 },
  };
}

function resolved(i: number): ResolvedResult {
  return { type: 'RESOLVED', actionId: 'approve', id: `r-${i}`, externalRef: `slack-${i}`, feedbacks: { note: 'ok' } };
}

/** A fresh table (its own key prefix) for one measurement. */
function table(ctx: BenchContext, label: string): string {
  return `${ctx.prefix(label).replaceAll('-', '_')}.human_requests`;
}

/** Human-approval requests (no peer library is published): create, resolve, and the inbox listing at growing sizes. */
export const hitl: Scenario = {
  name: 'hitl',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const results: ScenarioResult[] = [];
    const opts = { ops: ctx.ops, concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 10) };
    const client = ctx.connect();
    const state = new RedisHitlState(client, { tableName: table(ctx, 'hitl') });
    await state.ensureSchema();

    const create = await bytesPerRecord(ctx.admin, opts.ops + opts.warmup, () =>
      measure(ctx.admin, ctx.port, { ...opts, op: (i) => state.create(request(i)) }),
    );
    results.push({ scenario: 'hitl create', subject: 'redstate', measurement: create.value, bytesPerRecord: create.bytes });
    // Each op resolves one request created above (ids 0 .. warm-up + ops - 1, each once).
    const resolve = await measure(ctx.admin, ctx.port, { ...opts, op: (i) => state.resolve(`r-${i}`, resolved(i)) });
    results.push({ scenario: 'hitl resolve', subject: 'redstate', measurement: resolve });

    // The inbox view: newest 20 pending requests of one namespace, as the table grows.
    for (const size of scalingSizes(ctx.quick)) {
      const inbox = new RedisHitlState(client, { tableName: table(ctx, `hitl-${size}`) });
      await inbox.ensureSchema();
      await forEachConcurrent(size, 64, (i) => inbox.create(request(i)));
      const m = await measure(ctx.admin, ctx.port, {
        // The same number of reads at every size, so the rows compare like for like.
        ops: ctx.quick ? 400 : 2_000,
        concurrency: 4,
        warmup: 40,
        op: async () => {
          const page = await inbox.list({ status: 'pending', namespace: 'finance', limit: 20 });
          if (page.items.length !== 20) throw new Error(`listed ${page.items.length} requests, expected 20`);
        },
      });
      results.push({ scenario: `hitl list 20 pending of ${size.toLocaleString('en-US')}`, subject: 'redstate', measurement: m });
    }
    return results;
  },
};
