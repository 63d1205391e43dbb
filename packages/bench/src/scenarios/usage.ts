import { RedisUsageStore, type UsageEntryInput } from '@redstate/usage';
import { measure } from '../measure.ts';
import { bytesPerRecord } from '../memory.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';
import { forEachConcurrent } from '../seed.ts';

const SESSIONS = 1000;

function entry(sessionId: string, i: number): UsageEntryInput {
  return {
    kind: 'tokens',
    sessionId,
    runId: `run-${i % 7}`,
    stepCount: i,
    source: { type: 'agent', name: 'planner' },
    model: i % 3 === 0 ? 'gpt-5' : 'claude-sonnet',
    tokens: { prompt: 1200 + (i % 50), completion: 300 + (i % 20), cached: 800 },
  };
}

/**
 * Usage metering (no peer library exists): recordEntry against the EVALSHA baseline (see the
 * vs EVALSHA column), and getRollup on sessions of growing size to show its cost stays flat.
 */
export const usage: Scenario = {
  name: 'usage',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const results: ScenarioResult[] = [];
    const opts = { ops: ctx.ops, concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 10) };
    const store = new RedisUsageStore(ctx.connect(), { keyPrefix: ctx.prefix('usage') });
    await store.ensureSchema();

    const record = await bytesPerRecord(ctx.admin, opts.ops + opts.warmup, () =>
      measure(ctx.admin, ctx.port, { ...opts, op: (i) => store.recordEntry(entry(`s-${i % SESSIONS}`, i)) }),
    );
    results.push({
      scenario: 'usage recordEntry',
      subject: 'redstate',
      measurement: record.value,
      bytesPerRecord: record.bytes,
      note: 'entry + rollup + indexes, one pipeline of two scripts',
    });

    const sizes = ctx.quick ? [10, 1_000] : [10, 1_000, 100_000];
    for (const size of sizes) {
      const sessionId = `rollup-${size}`;
      await forEachConcurrent(size, 64, (i) => store.recordEntry(entry(sessionId, i)));
      const m = await measure(ctx.admin, ctx.port, {
        ...opts,
        op: async () => {
          const rollup = await store.getRollup(sessionId);
          if (rollup === null) throw new Error(`no rollup for ${sessionId}`);
        },
      });
      results.push({ scenario: `usage getRollup, session of ${size.toLocaleString('en-US')} entries`, subject: 'redstate', measurement: m });
    }
    return results;
  },
};
