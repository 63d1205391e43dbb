// Remote mode's queue: Pikku's `queueService` contract and its two workflow queues on BullMQ.
//
// Why this file exists: Pikku ships this adapter as `@pikku/queue-bullmq`, but its 0.12.8
// release cannot be loaded with `@pikku/core` 0.12.84 (it imports the `@pikku/core/state`
// subpath of newer cores). So the example drives BullMQ directly, through the same contract
// Pikku's workflow service calls (`add`, `getJob`), and runs the orchestrator and step-worker
// queues with plain BullMQ workers. With a core that matches `@pikku/queue-bullmq`'s peer
// range, use its `BullQueueService` and `BullQueueWorkers` instead of this file.
import type { JobOptions, QueueJob, QueueJobStatus, QueueService } from '@pikku/core/queue';
import type { PikkuRPC } from '@pikku/core/rpc';
import type { RedisWorkflowService } from '@redstate/workflow';
import { type ConnectionOptions, type Job, Queue, Worker } from 'bullmq';

/** Pikku's default queue names for workflows (`config.workflow` can rename them). */
export const ORCHESTRATOR_QUEUE = 'pikku-workflow-orchestrator';
export const STEP_WORKER_QUEUE = 'pikku-workflow-step-worker';

/** BullMQ opens its own connections; workers need `maxRetriesPerRequest: null`. */
export function bullConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    maxRetriesPerRequest: null,
  };
}

const EXPONENTIAL_BASE_DELAY_MS = 100;

export interface BullQueueService extends QueueService {
  close(): Promise<void>;
}

/** `queueService` for Pikku's singleton services: one BullMQ `Queue` per queue name. */
export function createBullQueueService(connection: ConnectionOptions, prefix: string): BullQueueService {
  const queues = new Map<string, Queue>();
  const queue = (name: string): Queue => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix });
      queues.set(name, q);
    }
    return q;
  };
  return {
    supportsResults: false,
    async add(queueName, data, options: JobOptions = {}) {
      // Pikku asks for 'exponential' by name; BullMQ wants a base delay with it.
      const backoff =
        typeof options.backoff === 'string' ? { type: options.backoff, delay: EXPONENTIAL_BASE_DELAY_MS } : options.backoff;
      const job = await queue(queueName).add(queueName, data, {
        attempts: options.attempts,
        backoff,
        delay: options.delay,
        priority: options.priority,
        jobId: options.jobId,
        removeOnComplete: options.removeOnComplete ?? true,
        removeOnFail: options.removeOnFail ?? 1000,
      });
      if (!job.id) throw new Error(`BullMQ returned no job id for ${queueName}`);
      return job.id;
    },
    async getJob<T, R>(queueName: string, jobId: string): Promise<QueueJob<T, R> | null> {
      const job: Job | undefined = await queue(queueName).getJob(jobId);
      if (!job?.id) return null;
      const found = job;
      return {
        id: job.id,
        queueName,
        data: job.data as T,
        result: job.returnvalue as R,
        status: async () => (await found.getState()) as QueueJobStatus,
        metadata: () => ({
          progress: found.progress,
          attemptsMade: found.attemptsMade,
          maxAttempts: found.opts.attempts,
          createdAt: new Date(found.timestamp),
          processedAt: found.processedOn ? new Date(found.processedOn) : undefined,
          completedAt: found.finishedOn && !found.failedReason ? new Date(found.finishedOn) : undefined,
          failedAt: found.finishedOn && found.failedReason ? new Date(found.finishedOn) : undefined,
          error: found.failedReason || undefined,
        }),
      };
    },
    async close() {
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}

interface OrchestratorJob {
  readonly runId: string;
}
interface StepJob extends OrchestratorJob {
  readonly stepName: string;
  readonly rpcName: string;
  readonly data: unknown;
}

export interface WorkerCounts {
  /** Job attempts each queue processed, failed attempts included. */
  readonly processed: Record<string, number>;
  readonly failed: Record<string, number>;
}

export interface WorkflowWorkers {
  readonly counts: WorkerCounts;
  close(): Promise<void>;
}

/**
 * The two workers of remote mode: the orchestrator replays a run up to its next step, and the
 * step worker runs one queued step. Any number of processes can run them against the same
 * Redis; the run and step locks of RedisWorkflowService keep them from doing the same work twice.
 */
export function startWorkflowWorkers(
  connection: ConnectionOptions,
  prefix: string,
  workflowService: RedisWorkflowService,
  rpc: PikkuRPC,
  concurrency = 4,
): WorkflowWorkers {
  const counts: WorkerCounts = { processed: {}, failed: {} };
  const bump = (table: Record<string, number>, queue: string) => {
    table[queue] = (table[queue] ?? 0) + 1;
  };
  const orchestrator = new Worker<OrchestratorJob>(
    ORCHESTRATOR_QUEUE,
    async (job) => {
      bump(counts.processed, ORCHESTRATOR_QUEUE);
      await workflowService.orchestrateWorkflow(job.data.runId, rpc);
    },
    { connection, prefix, concurrency },
  );
  const stepWorker = new Worker<StepJob>(
    STEP_WORKER_QUEUE,
    async (job) => {
      bump(counts.processed, STEP_WORKER_QUEUE);
      const { runId, stepName, rpcName, data } = job.data;
      await workflowService.executeWorkflowStep(runId, stepName, rpcName, data, rpc);
    },
    { connection, prefix, concurrency },
  );
  const workers = [orchestrator, stepWorker];
  for (const worker of workers) worker.on('failed', () => bump(counts.failed, worker.name));
  return {
    counts,
    close: async () => {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
