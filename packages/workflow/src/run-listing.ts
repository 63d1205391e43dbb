import type { WorkflowRun } from '@pikku/core/workflow';
import { Batch, idSchema, parseInput } from '@redstate/core';
import { z } from 'zod';
import { decodeRun } from './run-codec.js';
import { workflowDigest } from './ids.js';
import { RUN_STATUSES } from './keys.js';
import { asHash, asMembers } from './replies.js';
import type { WorkflowStore } from './workflow-store.js';

export const MAX_PAGE_SIZE = 1000;
export const DEFAULT_PAGE_SIZE = 100;

export interface ListRunsFilter {
  /** Only runs of this workflow. */
  readonly workflowName?: string;
  /** Only runs in this status. */
  readonly status?: string;
}

export interface ListRunsPageOptions extends ListRunsFilter {
  /** Page size, 1..1000. Default 100. */
  readonly limit?: number;
  /** `nextCursor` of the previous page; omit for the newest runs. */
  readonly cursor?: string;
}

export interface RunPage {
  /** Newest first. */
  readonly runs: WorkflowRun[];
  /** Pass to the next call; null when this was the last page. */
  readonly nextCursor: string | null;
}

const filterSchema = z.object({
  workflowName: idSchema.optional(),
  status: z.enum(RUN_STATUSES).optional(),
});
const limitSchema = z.number().int().min(1).max(MAX_PAGE_SIZE);
const offsetSchema = z.number().int().min(0).max(100_000);
// Index members are `<createdAt ms, 13 digits>:<runId>`: lexical order is creation order.
const cursorSchema = z.string().regex(/^\d{13}:[\x21-\x7e]+$/, 'is not a cursor returned by listRunsPage');

/**
 * Listings read the per-partition index ZSETs (one pipeline, one ZRANGE BYLEX per
 * partition) and merge them, then load the page's runs in a second round trip. Cost is
 * partitions x page size, independent of how many runs exist.
 */
export class RunListing {
  constructor(private readonly store: WorkflowStore) {}

  async page(options: ListRunsPageOptions = {}): Promise<RunPage> {
    const filter = parseInput(filterSchema, { workflowName: options.workflowName, status: options.status }, 'run filter');
    const limit = parseInput(limitSchema, options.limit ?? DEFAULT_PAGE_SIZE, 'page limit');
    let cursor = options.cursor === undefined ? undefined : parseInput(cursorSchema, options.cursor, 'cursor');
    const runs: WorkflowRun[] = [];
    // Entries of runs removed by retention are dropped as they are met, so loop until full.
    for (;;) {
      const members = await this.members(filter, cursor, limit - runs.length + 1);
      const page = members.slice(0, limit - runs.length);
      const loaded = await this.load(filter, page);
      runs.push(...loaded);
      const more = members.length > page.length;
      const last = page.at(-1);
      if (!more || last === undefined) return { runs, nextCursor: null };
      cursor = last;
      if (runs.length >= limit) return { runs, nextCursor: cursor };
    }
  }

  /** Offset pagination for Pikku's console API; prefer `page()` (its cost does not grow with offset). */
  async list(options: ListRunsFilter & { limit?: number; offset?: number } = {}): Promise<WorkflowRun[]> {
    const offset = parseInput(offsetSchema, options.offset ?? 0, 'offset');
    const limit = parseInput(limitSchema, options.limit ?? DEFAULT_PAGE_SIZE, 'limit');
    const runs: WorkflowRun[] = [];
    let skipped = 0;
    let cursor: string | undefined;
    for (;;) {
      const page = await this.page({ ...options, limit: Math.min(MAX_PAGE_SIZE, offset - skipped + limit), cursor });
      for (const run of page.runs) {
        if (skipped < offset) skipped++;
        else if (runs.length < limit) runs.push(run);
      }
      if (runs.length >= limit || page.nextCursor === null) return runs;
      cursor = page.nextCursor;
    }
  }

  async workflowNames(): Promise<string[]> {
    const batch = new Batch(this.store.client);
    const refs = this.partitions().map((p) => batch.command('hgetall', [this.store.keys.indexes(p).names], asHash));
    const results = await batch.exec();
    const names = new Set<string>();
    for (const ref of refs) for (const name of Object.values(results.get(ref))) names.add(name);
    return [...names].sort();
  }

  private partitions(): number[] {
    return Array.from({ length: this.store.keys.partitions }, (_, p) => p);
  }

  private indexKey(partition: number, filter: z.output<typeof filterSchema>): string {
    const idx = this.store.keys.indexes(partition);
    if (filter.workflowName !== undefined) {
      const digest = workflowDigest(filter.workflowName);
      return filter.status ? idx.workflowStatus(digest, filter.status) : idx.workflow(digest);
    }
    return filter.status ? idx.status(filter.status) : idx.all;
  }

  private async members(filter: z.output<typeof filterSchema>, cursor: string | undefined, count: number): Promise<string[]> {
    const batch = new Batch(this.store.client);
    const max = cursor === undefined ? '+' : `(${cursor}`;
    const refs = this.partitions().map((p) =>
      batch.command('zrange', [this.indexKey(p, filter), max, '-', 'BYLEX', 'REV', 'LIMIT', 0, count], asMembers),
    );
    const results = await batch.exec();
    const merged = refs.flatMap((ref) => results.get(ref));
    merged.sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
    return merged.slice(0, count);
  }

  private async load(filter: z.output<typeof filterSchema>, members: string[]): Promise<WorkflowRun[]> {
    if (members.length === 0) return [];
    const ids = members.map((m) => m.slice(14));
    const batch = new Batch(this.store.client);
    const refs = ids.map((id) => batch.command('hgetall', [this.store.runKeys(id).run], asHash));
    const results = await batch.exec();
    const runs: WorkflowRun[] = [];
    const dangling = new Batch(this.store.client);
    ids.forEach((id, i) => {
      const run = decodeRun(id, results.get(refs[i]!));
      if (run === null) {
        dangling.command('zrem', [this.indexKey(this.store.keys.partitionOf(id), filter), members[i]!]);
        return;
      }
      if (filter.workflowName !== undefined && run.workflow !== filter.workflowName) return;
      if (filter.status !== undefined && run.status !== filter.status) return;
      runs.push(run);
    });
    if (dangling.length > 0) await dangling.exec();
    return runs;
  }
}
