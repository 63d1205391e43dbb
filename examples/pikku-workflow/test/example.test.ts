import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RedisWorkflowRunService, type StepRecord } from '@redstate/workflow';
import { onClusterTarget, useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { ORCHESTRATOR_QUEUE, STEP_WORKER_QUEUE } from '../src/bullmq-queue.ts';
import { ORDER_GRAPH_HASH, ORDER_WORKFLOW, type Order } from '../src/order-workflow.ts';
import { runInline, runRemote } from '../src/run-order.ts';

const byPost: Order = { orderId: 'o-1', sku: 'mug', qty: 2, express: false };
const byCourier: Order = { orderId: 'o-2', sku: 'teapot', qty: 1, express: true };

const steps = (history: readonly StepRecord[]) => history.map((h) => [h.stepName, h.attemptCount, h.status]);

function expectPostHistory(history: readonly StepRecord[]) {
  expect(steps(history)).toEqual([
    ['reserve-stock', 1, 'succeeded'],
    ['charge-card', 1, 'failed'],
    ['charge-card', 2, 'succeeded'],
    ['choose-carrier', 1, 'succeeded'],
    ['wait-for-pickup', 1, 'succeeded'],
    ['ship', 1, 'succeeded'],
  ]);
  expect(history[0]?.result).toEqual({ reservationId: 'res-o-1', sku: 'mug', qty: 2 });
  expect(history[1]?.error?.message).toBe('payment gateway timed out');
  expect(history[1]?.result).toBeUndefined();
  expect(history[2]?.result).toEqual({ chargeId: 'ch-o-1', amountCents: 2500, attempt: 2 });
  expect(history[3]?.result).toBe('post');
  expect(history[5]?.result).toEqual({ trackingId: 'post-o-1', carrier: 'post' });
}

const postOutput = {
  reservation: { reservationId: 'res-o-1', sku: 'mug', qty: 2 },
  payment: { chargeId: 'ch-o-1', amountCents: 2500, attempt: 2 },
  carrier: 'post',
  shipment: { trackingId: 'post-o-1', carrier: 'post' },
};

describe('the Pikku workflow example', () => {
  const redis = useTestRedis('pikku-example');
  // BullMQ connects by URL: its keys are on the server `redis.url` names (the standalone one
  // on the cluster target, while the workflow state is on the cluster).
  const bullServer = useTestRedis('pikku-example-bull', { target: 'standalone' });

  it('runs inline: every step attempt, the retry and the sleep are persisted', async () => {
    const prefix = redis.newPrefix();
    const { runId, run } = await runInline(redis.client, prefix, byPost);
    expect(run).toMatchObject({ id: runId, workflow: ORDER_WORKFLOW, status: 'completed', inline: true, graphHash: ORDER_GRAPH_HASH });
    expect(run.output).toEqual(postOutput);

    // Read back through a fresh run service (another connection), not the objects the run returned.
    const runs = new RedisWorkflowRunService(redis.connect(), { keyPrefix: prefix });
    const history = await runs.getRunHistory(runId);
    expectPostHistory(history);
    expect(history.every((h) => h.scheduledAt === undefined)).toBe(true);
    expect(await runs.getRun(runId)).toMatchObject({ status: 'completed', output: postOutput });
  });

  it('takes the other branch for an express order: no sleep, shipped by courier', async () => {
    const prefix = redis.newPrefix();
    const { runId } = await runInline(redis.client, prefix, byCourier);
    const history = await new RedisWorkflowRunService(redis.client, { keyPrefix: prefix }).getRunHistory(runId);
    expect(steps(history)).toEqual([
      ['reserve-stock', 1, 'succeeded'],
      ['charge-card', 1, 'failed'],
      ['charge-card', 2, 'succeeded'],
      ['choose-carrier', 1, 'succeeded'],
      ['ship', 1, 'succeeded'],
    ]);
    expect(history[4]?.result).toEqual({ trackingId: 'courier-o-2', carrier: 'courier' });
  });

  it('runs in remote mode: steps go through BullMQ step workers on the same Redis', async () => {
    const prefix = redis.newPrefix();
    const bullPrefix = `${prefix}-bull`;
    const { runId, run, workers } = await runRemote(redis.client, redis.url, prefix, byPost, { bullPrefix });
    expect(run).toMatchObject({ id: runId, status: 'completed', inline: false });
    expect(run.output).toEqual(postOutput);

    const history = await new RedisWorkflowRunService(redis.connect(), { keyPrefix: prefix }).getRunHistory(runId);
    expectPostHistory(history);
    // The queued functions were scheduled onto the step-worker queue before they ran; the
    // inline pieces (the branch decision, the sleep) ran inside the orchestrator job.
    const scheduled = history.filter((h) => h.scheduledAt instanceof Date).map((h) => `${h.stepName}#${h.attemptCount}`);
    expect(scheduled).toEqual(['reserve-stock#1', 'charge-card#1', 'ship#1']);

    // Three steps plus the failed charge: four step-worker attempts, one of them failed and retried by BullMQ.
    expect(workers.processed[STEP_WORKER_QUEUE]).toBe(4);
    expect(workers.failed[STEP_WORKER_QUEUE]).toBe(1);
    expect(workers.processed[ORCHESTRATOR_QUEUE]).toBeGreaterThanOrEqual(4);
    expect(workers.failed[ORCHESTRATOR_QUEUE]).toBeUndefined();

    // BullMQ's own keys live under their own prefix: three step jobs were added (the charge's
    // retry is another attempt of the same job).
    expect(await bullServer.client.get(`${bullPrefix}:${STEP_WORKER_QUEUE}:id`)).toBe('3');
  });

  it('lists runs of both modes newest first, by workflow and status, with a cursor', async () => {
    const prefix = redis.newPrefix();
    const first = await runInline(redis.client, prefix, byPost);
    const second = await runRemote(redis.client, redis.url, prefix, byCourier);
    const third = await runInline(redis.client, prefix, byCourier);
    const runs = new RedisWorkflowRunService(redis.connect(), { keyPrefix: prefix });

    const all = await runs.listRuns({ workflowName: ORDER_WORKFLOW });
    expect(all.map((r) => [r.id, r.inline])).toEqual([
      [third.runId, true],
      [second.runId, false],
      [first.runId, true],
    ]);
    expect((await runs.listRuns({ workflowName: ORDER_WORKFLOW, status: 'completed' })).length).toBe(3);
    expect(await runs.listRuns({ workflowName: ORDER_WORKFLOW, status: 'running' })).toEqual([]);
    expect(await runs.getDistinctWorkflowNames()).toEqual([ORDER_WORKFLOW]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await runs.listRunsPage({ workflowName: ORDER_WORKFLOW, limit: 2, cursor });
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.map((r) => r.id));
  });

  // The entry point gets REDIS_URL, which names the standalone server, not the cluster.
  it.skipIf(onClusterTarget())('the entry point (`pnpm start`) runs both modes against REDIS_URL and leaves both runs in Redis', async () => {
    const prefix = redis.newPrefix();
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [main], {
      env: { ...process.env, REDIS_URL: redis.url, EXAMPLE_PREFIX: prefix },
      timeout: 60_000,
    });
    const runs = await new RedisWorkflowRunService(redis.client, { keyPrefix: prefix }).listRuns({ workflowName: ORDER_WORKFLOW });
    expect(runs.map((r) => [r.status, r.inline])).toEqual([
      ['completed', false],
      ['completed', true],
    ]);
    for (const run of runs) expect(stdout).toContain(`run ${run.id}`);
  });
});
