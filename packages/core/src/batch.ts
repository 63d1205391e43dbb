import calculateSlot from 'cluster-key-slot';
import type { ChainableCommander } from 'ioredis';
import { isCluster, type RedisClient } from './client.js';
import { execPipelineSettled } from './pipeline.js';
import { mapRedisError } from './script-errors.js';
import { isNoScriptError, type Script, type ScriptArg } from './script.js';

/** A handle to one queued command's typed result. */
export interface BatchRef<T> {
  readonly index: number;
  readonly parse: (raw: unknown) => T;
}

export interface BatchResults {
  get<T>(ref: BatchRef<T>): T;
}

interface Entry {
  /** The key that decides the hash slot (first key), if any. */
  readonly slotKey: string | undefined;
  readonly add: (pipeline: ChainableCommander) => void;
  readonly retry?: () => Promise<unknown>;
  readonly mapError: (error: unknown) => unknown;
}

/**
 * Commands sent together in one pipeline round trip (on a Cluster: one pipeline per
 * hash slot, sent in parallel). Every error is raised, never swallowed.
 *
 * A script that hit NOSCRIPT (after a restart or SCRIPT FLUSH) did not run; it is re-run
 * on its own after the batch, so a later command in the same batch may not see its
 * effect in that rare case. Do not make one entry depend on an earlier one.
 */
export class Batch {
  private readonly entries: Entry[] = [];

  constructor(private readonly client: RedisClient) {}

  get length(): number {
    return this.entries.length;
  }

  script<R>(script: Script<R>, keys: readonly string[], args: readonly ScriptArg[] = []): BatchRef<R> {
    this.entries.push({
      slotKey: keys[0],
      add: (pipeline) => script.queue(pipeline, keys, args),
      retry: () => script.run(this.client, keys, args),
      mapError: (error) => script.mapError(error),
    });
    return { index: this.entries.length - 1, parse: (raw) => script.parseReply(raw) };
  }

  /** A plain command whose first argument is its key. */
  command<T = unknown>(name: string, args: readonly ScriptArg[], parse: (raw: unknown) => T = identity as (raw: unknown) => T): BatchRef<T> {
    const first = args[0];
    this.entries.push({
      slotKey: first === undefined ? undefined : String(first),
      add: (pipeline) => pipeline.call(name, ...args),
      mapError: (error) => mapRedisError(error),
    });
    return { index: this.entries.length - 1, parse };
  }

  async exec(): Promise<BatchResults> {
    const raw: unknown[] = new Array(this.entries.length);
    const errors: (Error | null)[] = new Array(this.entries.length).fill(null);
    await Promise.all(this.groups().map((group) => this.execGroup(group, raw, errors)));

    // Results of scripts re-run after NOSCRIPT arrive already parsed.
    const reRun = new Map<number, unknown>();
    for (let i = 0; i < this.entries.length; i++) {
      const error = errors[i];
      if (!error) continue;
      const entry = this.entries[i]!;
      if (isNoScriptError(error) && entry.retry) reRun.set(i, await entry.retry());
      else throw entry.mapError(error);
    }
    return {
      get: <T>(ref: BatchRef<T>): T => (reRun.has(ref.index) ? (reRun.get(ref.index) as T) : ref.parse(raw[ref.index])),
    };
  }

  private groups(): number[][] {
    const all = this.entries.map((_, i) => i);
    if (!isCluster(this.client)) return all.length > 0 ? [all] : [];
    const bySlot = new Map<number, number[]>();
    for (const i of all) {
      const key = this.entries[i]!.slotKey;
      const slot = key === undefined ? -1 : calculateSlot(key);
      const list = bySlot.get(slot) ?? [];
      list.push(i);
      bySlot.set(slot, list);
    }
    return [...bySlot.values()];
  }

  private async execGroup(indexes: number[], raw: unknown[], errors: (Error | null)[]): Promise<void> {
    const pipeline = this.client.pipeline();
    for (const i of indexes) this.entries[i]!.add(pipeline);
    const replies = await execPipelineSettled(pipeline);
    indexes.forEach((entryIndex, position) => {
      const [error, value] = replies[position] ?? [new Error('missing pipeline reply'), null];
      raw[entryIndex] = value;
      errors[entryIndex] = error;
    });
  }
}

function identity(raw: unknown): unknown {
  return raw;
}
