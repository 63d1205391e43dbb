import type { StepState, WorkflowRun, WorkflowRunService } from '@pikku/core/workflow';
import { type ClientHandle, type RedisClient, resolveClient } from '@redstate/core';
import type { RedisOptions } from 'ioredis';
import type { StepRecord, StepRecordWithData } from './codec.js';
import { withoutData } from './codec.js';
import { resolveStoreOptions, type WorkflowStoreOptions } from './options.js';
import { type ListRunsPageOptions, RunListing, type RunPage } from './run-listing.js';
import { WorkflowStore } from './workflow-store.js';

/** Read side for Pikku's console: listings from index ZSETs, run details, deletion. */
export class RedisWorkflowRunService implements WorkflowRunService {
  private readonly store: WorkflowStore;
  private readonly listing: RunListing;
  private readonly handle: ClientHandle | undefined;

  constructor(connection: RedisClient | RedisOptions | string, options: WorkflowStoreOptions | string = {}) {
    const opts = typeof options === 'string' ? { keyPrefix: options } : options;
    const storeOptions = resolveStoreOptions(opts);
    this.handle = resolveClient(connection);
    this.store = new WorkflowStore(this.handle.client, storeOptions);
    this.listing = new RunListing(this.store);
  }

  /** @internal Shares a workflow service's store (same client, prefix and partitions). */
  static fromStore(store: WorkflowStore): RedisWorkflowRunService {
    const service = Object.create(RedisWorkflowRunService.prototype) as RedisWorkflowRunService;
    Object.assign(service, { store, listing: new RunListing(store), handle: undefined });
    return service;
  }

  /** Newest first, offset pagination (Pikku's console API). Default limit 100. */
  listRuns(options?: { workflowName?: string; status?: string; limit?: number; offset?: number }): Promise<WorkflowRun[]> {
    return this.listing.list(options);
  }

  /** Newest first, cursor pagination; cost independent of the total number of runs. */
  listRunsPage(options?: ListRunsPageOptions): Promise<RunPage> {
    return this.listing.page(options);
  }

  getRun(id: string): Promise<WorkflowRun | null> {
    return this.store.getRun(id);
  }

  /** Every attempt in creation order, with the function it called and its input data. */
  async getRunSteps(runId: string): Promise<Array<StepState & { stepName: string; rpcName?: string; data?: unknown }>> {
    return (await this.store.history(runId)).map((a): StepRecordWithData => {
      const { rpcName, ...step } = a.step;
      return rpcName === null || rpcName === undefined ? step : { ...step, rpcName };
    });
  }

  async getRunHistory(runId: string): Promise<StepRecord[]> {
    return (await this.store.history(runId)).map((a) => withoutData(a.step));
  }

  getDistinctWorkflowNames(): Promise<string[]> {
    return this.listing.workflowNames();
  }

  getWorkflowVersion(name: string, graphHash: string): Promise<{ graph: unknown; source: string } | null> {
    return this.store.getVersion(name, graphHash);
  }

  deleteRun(id: string): Promise<boolean> {
    return this.store.deleteRun(id);
  }

  /** Closes the connection only when this service opened it. */
  async close(): Promise<void> {
    await this.handle?.close();
  }
}
