import type { WorkflowQueueOptions, WorkflowRunMirror } from '@pikku/core/workflow';
import { parseInput, positiveIntSchema } from '@redstate/core';
import { z } from 'zod';

export const DEFAULT_KEY_PREFIX = 'redstate:workflow';
export const DEFAULT_PARTITIONS = 16;

/** Options shared by both services; they must agree on `keyPrefix` and `partitions`. */
export interface WorkflowStoreOptions {
  /** Namespace of every key. Default `redstate:workflow`. */
  readonly keyPrefix?: string;
  /** Hash slots runs are spread over; fixed once data exists. Default 16. */
  readonly partitions?: number;
  /** Keep finished runs this long (ms) after they end, then let Redis expire them. Default: forever. */
  readonly finishedRunTtlMs?: number;
}

export interface RedisWorkflowServiceOptions extends WorkflowStoreOptions, WorkflowQueueOptions {
  /** Lease of run and step locks; renewed every third of it while held. Default 30 000 ms. */
  readonly lockTtlMs?: number;
  /** How long `withRunLock`/`withStepLock` wait for a held lock. Default 60 000 ms. */
  readonly lockWaitMs?: number;
  /** Register Pikku's orchestrator and step queue workers. Default true (Pikku's default). */
  readonly wireQueues?: boolean;
  /** Pikku's optional write-through mirror of run changes. */
  readonly mirror?: WorkflowRunMirror;
}

const storeSchema = z.object({
  keyPrefix: z.string().min(1).optional(),
  partitions: z.number().int().min(1).max(1024).optional(),
  finishedRunTtlMs: positiveIntSchema.optional(),
});

const serviceSchema = storeSchema.extend({
  lockTtlMs: z.number().int().min(100).max(Number.MAX_SAFE_INTEGER).optional(),
  lockWaitMs: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export interface ResolvedStoreOptions {
  readonly keyPrefix: string;
  readonly partitions: number;
  readonly finishedRunTtlMs: number;
}

export function resolveStoreOptions(options: WorkflowStoreOptions): ResolvedStoreOptions {
  const o = parseInput(storeSchema, pickStore(options), 'workflow store options');
  return {
    keyPrefix: o.keyPrefix ?? DEFAULT_KEY_PREFIX,
    partitions: o.partitions ?? DEFAULT_PARTITIONS,
    finishedRunTtlMs: o.finishedRunTtlMs ?? 0,
  };
}

export function resolveLockOptions(options: RedisWorkflowServiceOptions): { lockTtlMs: number; lockWaitMs: number } {
  const o = parseInput(serviceSchema, { ...pickStore(options), lockTtlMs: options.lockTtlMs, lockWaitMs: options.lockWaitMs }, 'workflow service options');
  return { lockTtlMs: o.lockTtlMs ?? 30_000, lockWaitMs: o.lockWaitMs ?? 60_000 };
}

function pickStore(options: WorkflowStoreOptions): WorkflowStoreOptions {
  return { keyPrefix: options.keyPrefix, partitions: options.partitions, finishedRunTtlMs: options.finishedRunTtlMs };
}
