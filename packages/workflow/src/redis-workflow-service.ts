import { isExpectedError, type SerializedError } from '@pikku/core';
import {
  PikkuWorkflowService,
  type StepState,
  type StepStatus,
  type WorkflowPlannedStep,
  type WorkflowRun,
  type WorkflowRunWire,
  type WorkflowStatus,
  type WorkflowStepOptions,
  type WorkflowVersionStatus,
} from '@pikku/core/workflow';
import { type ClientHandle, type EnsureSchemaResult, idSchema, NotFoundError, parseInput, type RedisClient, resolveClient, setOwn, toJson } from '@redstate/core';
import type { RedisOptions } from 'ioredis';
import { type StepRecord, withoutData } from './codec.js';
import { parseRunId } from './ids.js';
import { withLease } from './lease-lock.js';
import { type RedisWorkflowServiceOptions, resolveLockOptions, resolveStoreOptions } from './options.js';
import { Recovery } from './recovery.js';
import { RedisWorkflowRunService } from './redis-workflow-run-service.js';
import { WorkflowStore } from './workflow-store.js';

/**
 * Pikku workflow state on Redis. Inline mode needs nothing else; remote mode uses
 * whatever `queueService` Pikku's singleton services hold (e.g. `@pikku/queue-bullmq`).
 */
export class RedisWorkflowService extends PikkuWorkflowService {
  private readonly handle: ClientHandle;
  private readonly store: WorkflowStore;
  private readonly lease: { ttlMs: number; waitMs: number };
  private readonly recovery: Recovery;

  /**
   * @param connection an ioredis `Redis`/`Cluster` (never closed by us), a redis:// URL or
   *   ioredis options (we open that connection and close it in `close()`).
   * @param options a key prefix string, or the options object.
   */
  constructor(connection: RedisClient | RedisOptions | string, options: RedisWorkflowServiceOptions | string = {}) {
    const opts: RedisWorkflowServiceOptions = typeof options === 'string' ? { keyPrefix: options } : options;
    const storeOptions = resolveStoreOptions(opts);
    const lock = resolveLockOptions(opts);
    super({
      wireQueues: opts.wireQueues,
      mirror: opts.mirror,
      queueStrategy: opts.queueStrategy,
      queueConcurrency: opts.queueConcurrency,
      queueGroupConcurrency: opts.queueGroupConcurrency,
    });
    this.handle = resolveClient(connection);
    this.store = new WorkflowStore(this.handle.client, storeOptions);
    this.lease = { ttlMs: lock.lockTtlMs, waitMs: lock.lockWaitMs };
    this.recovery = new Recovery(this.store);
  }

  get client(): RedisClient {
    return this.handle.client;
  }

  /** Applies this package's migrations (`001-initial`) and checks the partition layout. */
  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.store.ensureSchema();
  }

  /** Alias of {@link ensureSchema}, the name `@pikku/redis` users call. */
  async init(): Promise<void> {
    await this.store.ensureSchema();
  }

  /** A console run service over the same client and keys. */
  runService(): RedisWorkflowRunService {
    return RedisWorkflowRunService.fromStore(this.store);
  }

  protected override createRunImpl(
    workflowName: string,
    input: unknown,
    inline: boolean,
    graphHash: string,
    wire: WorkflowRunWire,
    options?: { deterministic?: boolean; plannedSteps?: WorkflowPlannedStep[] },
  ): Promise<string> {
    return this.store.createRun(workflowName, input, inline, graphHash, wire, options);
  }

  override getRun(id: string): Promise<WorkflowRun | null> {
    return this.store.getRun(id);
  }

  override async getRunHistory(runId: string): Promise<StepRecord[]> {
    return (await this.store.history(runId)).map((a) => withoutData(a.step));
  }

  protected override async updateRunStatusImpl(id: string, status: WorkflowStatus, output?: unknown, error?: SerializedError): Promise<void> {
    await this.store.updateRunStatus(id, status, output, error);
  }

  protected override insertStepStateImpl(
    runId: string,
    stepName: string,
    rpcName: string | null,
    data: unknown,
    stepOptions?: WorkflowStepOptions,
    fromStepName?: string,
  ): Promise<StepState> {
    return this.store.insertStep(runId, stepName, rpcName, data, stepOptions, fromStepName);
  }

  override async getStepState(runId: string, stepName: string): Promise<StepState> {
    const step = await this.store.getStep(runId, stepName);
    if (!step) {
      throw new NotFoundError(`step not found: runId=${runId}, stepName=${stepName}; use insertStepState to create it`);
    }
    return step;
  }

  protected override setStepRunningImpl(stepId: string): Promise<void> {
    return this.store.setStep(stepId, 'running', '');
  }

  protected override setStepScheduledImpl(stepId: string): Promise<void> {
    return this.store.setStep(stepId, 'scheduled', '');
  }

  protected override setStepResultImpl(stepId: string, result: unknown): Promise<void> {
    return this.store.setStep(stepId, 'succeeded', result === undefined ? '' : toJson(result, 'step result'));
  }

  protected override setStepChildRunIdImpl(stepId: string, childRunId: string): Promise<void> {
    const child = parseInput(idSchema, childRunId, 'child run id');
    return this.store.setStep(stepId, 'child', toJson(child, 'child run id'));
  }

  protected override setStepErrorImpl(stepId: string, error: Error): Promise<void> {
    return this.store.setStep(stepId, 'failed', toJson(serializeError(error), 'step error'));
  }

  protected override createRetryAttemptImpl(failedStepId: string, status: 'pending' | 'running'): Promise<StepState> {
    return this.store.retryStep(failedStepId, status);
  }

  override withRunLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const runId = parseInput(idSchema, id, 'run id');
    return withLease(this.client, this.store.keys.runLock(runId), this.lease, fn);
  }

  override withStepLock<T>(runId: string, stepName: string, fn: () => Promise<T>): Promise<T> {
    const run = parseInput(idSchema, runId, 'run id');
    const step = parseInput(idSchema, stepName, 'step name');
    return withLease(this.client, this.store.keys.stepLock(run, step), this.lease, fn);
  }

  /** Closes the connection only when this service opened it (URL or options). */
  override async close(): Promise<void> {
    await this.handle.close();
  }

  override async getCompletedGraphState(
    runId: string,
  ): Promise<{ completedNodeIds: string[]; failedNodeIds: string[]; branchKeys: Record<string, string> }> {
    const current = await this.store.current(runId);
    const completedNodeIds: string[] = [];
    const failedNodeIds: string[] = [];
    const branchKeys: Record<string, string> = {};
    for (const { step, branchKey } of current) {
      if (step.status === 'succeeded') completedNodeIds.push(step.stepName);
      else if (step.status === 'failed' && step.attemptCount >= (step.retries ?? 0) + 1) failedNodeIds.push(step.stepName);
      if (branchKey !== undefined) setOwn(branchKeys, step.stepName, branchKey);
    }
    return { completedNodeIds, failedNodeIds, branchKeys };
  }

  override async getStepInstances(runId: string): Promise<Array<{ stepName: string; status: StepStatus; fromStepName?: string }>> {
    const current = await this.store.current(runId);
    return current.map(({ step }) =>
      step.fromStepName === undefined
        ? { stepName: step.stepName, status: step.status }
        : { stepName: step.stepName, status: step.status, fromStepName: step.fromStepName },
    );
  }

  override async getNodeResults(runId: string, nodeIds: string[]): Promise<Record<string, unknown>> {
    const wanted = new Set(nodeIds);
    const results: Record<string, unknown> = {};
    for (const { step } of await this.store.current(runId)) {
      if (wanted.has(step.stepName) && step.result !== undefined) setOwn(results, step.stepName, step.result);
    }
    return results;
  }

  protected override async listStepStates(runId: string): Promise<StepRecord[] | null> {
    return (await this.store.current(runId)).map((a) => withoutData(a.step));
  }

  protected override setBranchTakenImpl(stepId: string, branchKey: string): Promise<void> {
    const key = parseInput(idSchema, branchKey, 'branch key');
    return this.store.setStep(stepId, 'branch', key);
  }

  protected override updateRunStateImpl(runId: string, name: string, value: unknown): Promise<void> {
    return this.store.updateRunState(runId, name, value);
  }

  override getRunState(runId: string): Promise<Record<string, unknown>> {
    return this.store.getRunState(runId);
  }

  protected override upsertWorkflowVersionImpl(
    name: string,
    graphHash: string,
    graph: unknown,
    source: string,
    status?: WorkflowVersionStatus,
  ): Promise<void> {
    return this.store.upsertVersion(name, graphHash, graph, source, status);
  }

  protected override updateWorkflowVersionStatusImpl(name: string, graphHash: string, status: WorkflowVersionStatus): Promise<void> {
    return this.store.updateVersionStatus(name, graphHash, status);
  }

  override getWorkflowVersion(name: string, graphHash: string): Promise<{ graph: unknown; source: string } | null> {
    return this.store.getVersion(name, graphHash);
  }

  /** Opts into Pikku's `recoverStalledRuns` (reads the per-partition stalled-run index). */
  protected override findStalledRunIds(before: Date, limit: number): Promise<string[]> {
    return this.recovery.stalledRunIds(before, limit);
  }

  /**
   * Opts into Pikku's `relayUndispatchedSteps`: safe because `withStepLock` is an atomic
   * Redis lease, so a redundant dispatch cannot become a second execution.
   */
  protected override findUndispatchedSteps(before: Date, limit: number): Promise<Array<{ runId: string; stepId: string }>> {
    return this.recovery.undispatchedSteps(before, limit);
  }

  /** True when `runId` has the shape of an id this service issues. */
  static isRunId(runId: unknown): boolean {
    return parseRunId(runId) !== null;
  }
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack, expected: isExpectedError(error) };
  }
  return { message: String(error) };
}
