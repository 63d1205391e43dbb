import { type ChildProcess, fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WorkflowRun } from '@pikku/core/workflow';
import { useTestRedis } from '@redstate/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import type { RedisWorkflowService } from '../src/index.js';
import { bullQueueService, ORDER_FLOW, registerApp, setSingletons } from './fixtures/pikku-app.mjs';
import { services } from './helpers.js';

const workerScript = fileURLToPath(new URL('./fixtures/worker.mjs', import.meta.url));
const builtEntry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

// BullMQ always runs on `redis.url` (the standalone server); the workflow state on `redis.endpoint`.
describe('remote mode survives a killed worker process', () => {
  const redis = useTestRedis('wf-kill');
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
  });

  function startWorker(prefix: string, hang: boolean): Promise<ChildProcess> {
    const child = fork(workerScript, { env: { ...process.env, REDIS_URL: redis.url, ENDPOINT: redis.endpoint, PREFIX: prefix, HANG: hang ? '1' : '0' }, stdio: 'inherit' });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(child));
      child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
    });
  }

  it('a second worker finishes the run after the first is killed mid-step', async () => {
    expect(existsSync(builtEntry), 'build the package first: pnpm --filter @redstate/workflow build').toBe(true);
    const { rpc } = registerApp();
    const prefix = redis.newPrefix();
    const { service } = services(redis.client, prefix);
    const queueService = bullQueueService(redis.url, `${prefix}-bull`);
    setSingletons({ workflowService: service, queueService });
    try {
      const first = await startWorker(prefix, true);
      const { runId } = await service.startWorkflow(ORDER_FLOW, { qty: 2 }, { type: 'test' }, rpc);
      // The first worker is inside `ship` (after a retried step and a sleep): kill it there.
      await until(() => redis.client.get(`${prefix}-ship-calls`), (v) => v === '1', 'the first worker to reach ship');
      first.kill('SIGKILL');
      expect((await service.getRun(runId))?.status).toBe('running');

      await startWorker(prefix, false);
      const run: WorkflowRun | null = await until(
        () => service.getRun(runId),
        (r) => r !== null && r.status !== 'running',
        'the second worker to finish the run',
      );
      expect(run).toMatchObject({ status: 'completed', output: { total: 20, shipped: { shipped: true, total: 20 } } });
      expect(await redis.client.get(`${prefix}-ship-calls`)).toBe('2');
      const history = await (service as RedisWorkflowService).getRunHistory(runId);
      expect(history.map((h) => [h.stepName, h.attemptCount, h.status])).toEqual([
        ['price', 1, 'succeeded'],
        ['check', 1, 'failed'],
        ['check', 2, 'succeeded'],
        ['cool-down', 1, 'succeeded'],
        ['ship', 1, 'succeeded'],
      ]);
    } finally {
      await queueService.close();
    }
  });
});
