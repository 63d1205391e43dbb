import {
  RedisWorkflowRunService as PikkuRunService,
  RedisWorkflowService as PikkuWorkflowService,
} from '@pikku/redis';
import { RedisWorkflowRunService, RedisWorkflowService } from '@redstate/workflow';
import { measure, measureInterleaved } from '../measure.ts';
import { bytesPerRecord } from '../memory.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';
import { forEachConcurrent, opsAtSize, scalingSizes } from '../seed.ts';

type WorkflowService = Pick<
  RedisWorkflowService,
  'createRun' | 'insertStepState' | 'setStepRunning' | 'setStepResult' | 'updateRunStatus' | 'getRun' | 'getRunHistory'
>;
type RunService = Pick<RedisWorkflowRunService, 'listRuns'>;
type PikkuRunClient = ConstructorParameters<typeof PikkuRunService>[0];

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
  // The run service only sends commands (no instanceof check), so it takes our ioredis 6 client;
  // its type names the ioredis 5 class @pikku/redis bundles.
  const peerClient = ctx.connect() as unknown as PikkuRunClient;
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

const STEPS = ['reserve', 'charge', 'ship'] as const;
/** getRun rows are the median of this many alternating rounds. */
const READ_ROUNDS = 5;

/** One run through its life: create, three steps each pending -> running -> done, run completed (11 calls). */
async function lifecycle(service: WorkflowService, i: number): Promise<string> {
  const runId = await service.createRun('bench-flow', { order: i }, false, 'hash-1', wire);
  for (const name of STEPS) {
    const step = await service.insertStepState(runId, name, `${name}Rpc`, { order: i });
    await service.setStepRunning(step.stepId);
    await service.setStepResult(step.stepId, { ok: true, step: name });
  }
  await service.updateRunStatus(runId, 'completed', { ok: true });
  return runId;
}

/** Creates `count` runs of two workflows, a quarter of them completed. */
async function seed(service: WorkflowService, count: number): Promise<void> {
  await forEachConcurrent(count, 32, async (i) => {
    const runId = await service.createRun(i % 2 === 0 ? 'orders' : 'refunds', { i }, false, 'hash-1', wire);
    if (i % 4 === 0) await service.updateRunStatus(runId, 'completed', { i });
  });
}

export const workflow: Scenario = {
  name: 'workflow',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    try {
      return await runAll(ctx);
    } finally {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    }
  },
};

async function runAll(ctx: BenchContext): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const opts = { ops: Math.ceil(ctx.ops / 4), concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 40) };
  const written = new Map<Subject, string[]>();
  const all = await subjects(ctx, 'wf');
  for (const s of all) {
    const runIds: string[] = [];
    written.set(s, runIds);
    const run = await bytesPerRecord(ctx.admin, opts.ops + opts.warmup, () =>
      measure(ctx.admin, ctx.port, {
        ...opts,
        op: async (i) => {
          runIds.push(await lifecycle(s.service, i));
        },
      }),
    );
    results.push({
      scenario: 'workflow run: create + 3 steps + complete (11 calls)',
      subject: s.name,
      measurement: run.value,
      bytesPerRecord: run.bytes,
      note: 'bytes per completed run with its 3 steps',
    });
  }

  // Reads of the completed runs just written, both subjects in alternating rounds (see measureInterleaved).
  const reads = await measureInterleaved(
    ctx.admin,
    ctx.port,
    all.map((s) => {
      const runIds = written.get(s)!;
      return {
        name: s.name,
        op: async (i: number) => {
          const found = await s.service.getRun(runIds[i % runIds.length]!);
          if (!found) throw new Error(`${s.name} lost run ${runIds[i % runIds.length]}`);
        },
      };
    }),
    { ops: ctx.ops, concurrency: ctx.concurrency, warmup: opts.warmup, rounds: READ_ROUNDS },
  );
  for (const s of all) results.push({ scenario: 'workflow getRun', subject: s.name, measurement: reads.get(s.name)! });

  const keysInDb = await ctx.admin.dbsize();
  for (const s of all) {
    const runIds = written.get(s)!;
    const historyOps = ctx.quick ? 40 : 400;
    const history = await measure(ctx.admin, ctx.port, {
      ops: historyOps,
      concurrency: ctx.concurrency,
      warmup: 4,
      op: async (i) => {
        const steps = await s.service.getRunHistory(runIds[i % runIds.length]!);
        if (steps.length !== STEPS.length) throw new Error(`${s.name} returned ${steps.length} history records, expected ${STEPS.length}`);
      },
    });
    results.push({
      scenario: 'workflow getRunHistory (3 steps)',
      subject: s.name,
      measurement: history,
      note: `${keysInDb.toLocaleString('en-US')} keys in the database`,
    });
  }

  // Listing cost against data size: the console's "newest completed runs of one workflow".
  for (const size of scalingSizes(ctx.quick)) {
    for (const s of await subjects(ctx, `wf-list-${size}`)) {
      await seed(s.service, size);
      const m = await measure(ctx.admin, ctx.port, {
        ops: opsAtSize(ctx.quick, size),
        concurrency: 4,
        warmup: 1,
        op: async () => {
          const page = await s.runs.listRuns({ workflowName: 'orders', status: 'completed', limit: 20 });
          if (page.length !== 20) throw new Error(`${s.name} listed ${page.length} runs, expected 20`);
        },
      });
      results.push({
        scenario: `list 20 runs of ${size.toLocaleString('en-US')}`,
        subject: s.name,
        measurement: m,
        note: s.name === 'redstate' ? 'index ZSET per workflow and status' : 'SCAN of the run keys, then filter',
      });
    }
  }
  return results;
}
