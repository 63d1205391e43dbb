// Runs one order through the workflow, inline or remote, and reads back what Redis recorded.
import { setSingletonServices } from '@pikku/core/ecosystem';
import { ConsoleLogger, LocalSecretService, LocalVariablesService, LogLevel } from '@pikku/core/services';
import type { CoreSingletonServices } from '@pikku/core';
import type { QueueService } from '@pikku/core/queue';
import type { PikkuRPC } from '@pikku/core/rpc';
import type { WorkflowRun } from '@pikku/core/workflow';
import type { Cluster, Redis } from 'ioredis';
import { RedisWorkflowService, type StepRecord } from '@redstate/workflow';
import { bullConnection, createBullQueueService, startWorkflowWorkers, type WorkerCounts } from './bullmq-queue.ts';
import { ORDER_WORKFLOW, type Order, registerOrderWorkflow, stepRpc } from './order-workflow.ts';

export interface OrderRun {
  readonly runId: string;
  readonly run: WorkflowRun;
  /** Every step attempt in order, as stored by RedisWorkflowService. */
  readonly history: StepRecord[];
}

export interface RemoteOrderRun extends OrderRun {
  readonly workers: WorkerCounts;
}

const TERMINAL = new Set(['completed', 'failed', 'cancelled']);

function workflowService(client: Redis | Cluster, keyPrefix: string): RedisWorkflowService {
  // wireQueues: false — the BullMQ workers of bullmq-queue.ts serve Pikku's workflow queues,
  // so Pikku does not need to register its own queue functions.
  return new RedisWorkflowService(client, { keyPrefix, wireQueues: false });
}

/** Pikku's singleton services for this process; returns the RPC client steps are called through. */
function setServices(service: RedisWorkflowService, queueService?: QueueService): PikkuRPC {
  const variables = new LocalVariablesService({});
  const logger = new ConsoleLogger();
  logger.setLevel(LogLevel.warn);
  const services: CoreSingletonServices = {
    config: {},
    logger,
    variables,
    secrets: new LocalSecretService(variables),
    workflowService: service,
    workflowRunService: service.runService(),
    ...(queueService ? { queueService } : {}),
  };
  setSingletonServices(services);
  return stepRpc(services);
}

async function readBack(service: RedisWorkflowService, runId: string): Promise<OrderRun> {
  const [run, history] = await Promise.all([service.getRun(runId), service.getRunHistory(runId)]);
  if (!run) throw new Error(`run ${runId} is not in Redis`);
  return { runId, run, history };
}

/** Inline mode: no queue service; the whole run happens inside `startWorkflow`. */
export async function runInline(client: Redis | Cluster, keyPrefix: string, order: Order): Promise<OrderRun> {
  registerOrderWorkflow({ queued: false });
  const service = workflowService(client, keyPrefix);
  await service.ensureSchema();
  const rpc = setServices(service);
  const { runId } = await service.startWorkflow(ORDER_WORKFLOW, order, { type: 'example' }, rpc, { inline: true });
  return readBack(service, runId);
}

export interface RemoteOptions {
  /** Where BullMQ's keys go (default `<keyPrefix>-bull`). */
  readonly bullPrefix?: string;
  /** How long to wait for the run to finish. */
  readonly timeoutMs?: number;
}

/**
 * Remote mode: `startWorkflow` only queues the run; an orchestrator worker replays it step by
 * step and step workers run the queued functions, all through BullMQ on the same Redis.
 */
export async function runRemote(
  client: Redis | Cluster,
  redisUrl: string,
  keyPrefix: string,
  order: Order,
  options: RemoteOptions = {},
): Promise<RemoteOrderRun> {
  registerOrderWorkflow({ queued: true });
  const service = workflowService(client, keyPrefix);
  await service.ensureSchema();
  const connection = bullConnection(redisUrl);
  const bullPrefix = options.bullPrefix ?? `${keyPrefix}-bull`;
  const queueService = createBullQueueService(connection, bullPrefix);
  const rpc = setServices(service, queueService);
  const workers = startWorkflowWorkers(connection, bullPrefix, service, rpc);
  try {
    const { runId } = await service.startWorkflow(ORDER_WORKFLOW, order, { type: 'example' }, rpc);
    await waitForEnd(service, runId, options.timeoutMs ?? 30_000);
    return { ...(await readBack(service, runId)), workers: workers.counts };
  } finally {
    await workers.close();
    await queueService.close();
  }
}

async function waitForEnd(service: RedisWorkflowService, runId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = await service.getRun(runId);
    if (run && TERMINAL.has(run.status)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
}
