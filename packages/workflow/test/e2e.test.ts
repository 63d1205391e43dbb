import type { WorkflowRun } from '@pikku/core/workflow';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import type { RedisWorkflowService } from '../src/index.js';
import { bullQueueService, bullWorkers, CHILD_FLOW, ORDER_FLOW, PARENT_FLOW, registerApp, setSingletons } from './fixtures/pikku-app.mjs';
import { services } from './helpers.js';

async function waitForEnd(service: RedisWorkflowService, runId: string): Promise<WorkflowRun> {
  for (let i = 0; i < 600; i++) {
    const run = await service.getRun(runId);
    if (run && ['completed', 'failed', 'cancelled'].includes(run.status)) return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

function expectOrderHistory(history: Awaited<ReturnType<RedisWorkflowService['getRunHistory']>>) {
  expect(history.map((h) => [h.stepName, h.attemptCount, h.status])).toEqual([
    ['price', 1, 'succeeded'],
    ['check', 1, 'failed'],
    ['check', 2, 'succeeded'],
    ['cool-down', 1, 'succeeded'],
    ['ship', 1, 'succeeded'],
  ]);
  expect(history[1]?.error?.message).toBe('check is flaky the first time');
  expect(history[3]?.result).toBeNull();
}

describe('a real Pikku workflow end to end', () => {
  const redis = useTestRedis('wf-e2e');

  it('runs inline: steps, a retry and a sleep, all recorded', async () => {
    const { rpc } = registerApp();
    const { service, runs } = services(redis.client, redis.newPrefix());
    setSingletons({ workflowService: service });
    const { runId } = await service.startWorkflow(ORDER_FLOW, { qty: 3 }, { type: 'test' }, rpc, { inline: true });
    const run = await service.getRun(runId);
    expect(run).toMatchObject({ status: 'completed', inline: true, graphHash: 'order-flow-v1' });
    expect(run?.output).toEqual({ total: 30, checked: { checkedOn: 2 }, shipped: { shipped: true, total: 30 } });
    expectOrderHistory(await service.getRunHistory(runId));
    expect((await runs.listRuns({ workflowName: ORDER_FLOW, status: 'completed' })).map((r) => r.id)).toEqual([runId]);
    expect(await service.getRunStatus(runId)).toMatchObject({ status: 'completed', steps: expect.arrayContaining([{ name: 'check', status: 'succeeded', attempts: 2, duration: expect.any(Number) }]) });
  });

  it('runs a child workflow inline and links it to the parent step', async () => {
    const { rpc } = registerApp();
    const { service, runs } = services(redis.client, redis.newPrefix());
    setSingletons({ workflowService: service });
    const { runId } = await service.startWorkflow(PARENT_FLOW, { n: 4 }, { type: 'test' }, rpc, { inline: true });
    const parent = await service.getRun(runId);
    expect(parent).toMatchObject({ status: 'completed', output: { child: { doubled: 8 }, route: 'big' } });
    const link = await service.getStepState(runId, 'run-child');
    expect(link.childRunId).toBeDefined();
    const child = await service.getRun(link.childRunId!);
    expect(child).toMatchObject({ workflow: CHILD_FLOW, status: 'completed', output: { doubled: 8 }, wire: { type: 'workflow', parentRunId: runId } });
    expect(await runs.getDistinctWorkflowNames()).toEqual([CHILD_FLOW, PARENT_FLOW].sort());
  });

  it('runs in remote mode with BullMQ workers on the same Redis', async () => {
    const { rpc } = registerApp({ queued: ['price'] });
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix);
    const queueService = bullQueueService(redis.url, `${prefix}-bull`);
    setSingletons({ workflowService: service, queueService });
    const workers = bullWorkers(redis.url, `${prefix}-bull`, service, rpc);
    try {
      const { runId } = await service.startWorkflow(ORDER_FLOW, { qty: 4 }, { type: 'test' }, rpc);
      const run = await waitForEnd(service, runId);
      expect(run.status).toBe('completed');
      expect(run.inline).toBe(false);
      expect(run.output).toEqual({ total: 40, checked: { checkedOn: 2 }, shipped: { shipped: true, total: 40 } });
      const history = await service.getRunHistory(runId);
      expectOrderHistory(history);
      // The queued step went through the step-worker queue: it was scheduled before it ran.
      expect(history[0]?.scheduledAt).toBeInstanceOf(Date);
    } finally {
      await workers.close();
      await queueService.close();
    }
  });
});
