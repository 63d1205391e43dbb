import {
  RedisWorkflowRunService as PikkuRunService,
  RedisWorkflowService as PikkuWorkflowService,
} from '@pikku/redis';
import { RedisWorkflowRunService, RedisWorkflowService } from '@redstate/workflow';
import type { Redis } from 'ioredis';
import { measure } from '../measure.ts';
import { bytesPerRecord } from '../memory.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';

type WorkflowService = Pick<
  RedisWorkflowService,
  'createRun' | 'insertStepState' | 'setStepRunning' | 'setStepResult' | 'updateRunStatus' | 'getRun'
>;
type RunService = Pick<RedisWorkflowRunService, 'listRuns'>;

interface Subject {
  readonly name: string;
  readonly service: WorkflowService;
  readonly runs: RunService;
}

const wire = { type: 'bench' };

const opened: Array<{ close(): Promise<void> }> = [];

async function subjects(ctx: BenchContext, label: string): Promise<Subject[]> {
  const oursClient = ctx.connect();
  const oursPrefix = ctx.prefix(`${label}-ours`);
  const ours = new RedisWorkflowService(oursClient, { keyPrefix: oursPrefix });
  await ours.init();
  const peerClient: Redis = ctx.connect();
  const peerPrefix = ctx.prefix(`${label}-pikku`);
  // @pikku/redis bundles ioredis 5 and only recognises its own client class: give it the URL.
  const peer = new PikkuWorkflowService(ctx.url, peerPrefix);
  opened.push(peer);
  await peer.init();
  return [
    { name: 'redstate', service: ours, runs: new RedisWorkflowRunService(oursClient, { keyPrefix: oursPrefix }) },
    { name: '@pikku/redis', service: peer as unknown as WorkflowService, runs: new PikkuRunService(peerClient, peerPrefix) },
  ];
}

/** One run through its life: create, one step pending -> running -> done, run completed. */
async function lifecycle(service: WorkflowService, i: number): Promise<void> {
  const runId = await service.createRun('bench-flow', { order: i }, false, 'hash-1', wire);
  const step = await service.insertStepState(runId, 'charge', 'chargeCard', { amount: i });
  await service.setStepRunning(step.stepId);
  await service.setStepResult(step.stepId, { ok: true });
  await service.updateRunStatus(runId, 'completed', { ok: true });
}

/** Creates `count` runs of two workflows, a quarter of them completed. */
async function seed(service: WorkflowService, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const runId = await service.createRun(i % 2 === 0 ? 'orders' : 'refunds', { i }, false, 'hash-1', wire);
      if (i % 4 === 0) await service.updateRunStatus(runId, 'completed', { i });
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

export const workflow: Scenario = {
  name: 'workflow',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const results: ScenarioResult[] = [];
    const opts = { ops: Math.ceil(ctx.ops / 4), concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 40) };
    for (const s of await subjects(ctx, 'wf')) {
      const run = await bytesPerRecord(ctx.admin, opts.ops + opts.warmup, () =>
        measure(ctx.admin, ctx.port, { ...opts, op: (i) => lifecycle(s.service, i) }),
      );
      results.push({
        scenario: 'workflow run lifecycle (5 calls)',
        subject: s.name,
        measurement: run.value,
        bytesPerRecord: run.bytes,
      });
    }

    // Listing cost against data size: the console's "newest completed runs of one workflow".
    const sizes = ctx.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
    for (const size of sizes) {
      for (const s of await subjects(ctx, `wf-list-${size}`)) {
        await seed(s.service, size);
        const listOps = ctx.quick ? 50 : 200;
        const m = await measure(ctx.admin, ctx.port, {
          ops: listOps,
          concurrency: 4,
          warmup: 5,
          op: async () => {
            const page = await s.runs.listRuns({ workflowName: 'orders', status: 'completed', limit: 20 });
            if (page.length !== 20) throw new Error(`${s.name} listed ${page.length} runs, expected 20`);
          },
        });
        results.push({ scenario: `list 20 runs of ${size.toLocaleString('en-US')}`, subject: s.name, measurement: m });
      }
    }
    await Promise.all(opened.splice(0).map((s) => s.close()));
    return results;
  },
};
