import type { RedisClient } from '@redstate/core';

export interface VerifyResult {
  /** Acknowledged writes looked up. */
  readonly checked: number;
  /** Acknowledged writes that are missing or differ. Must be empty. */
  readonly lost: readonly number[];
  /** Index/record disagreements found by the package's invariant checker. Must be empty. */
  readonly violations: readonly string[];
}

/** One package's store, opened on a connection, driven by the fault scenarios. */
export interface WorkloadSession {
  /** Logical write number `i`. Must be idempotent: a retry of the same `i` never double-counts. */
  write(i: number): Promise<void>;
  /**
   * A write that stores a new entity every time (so memory grows), for the maxmemory
   * scenario. Its entities are not passed to `verify`, but they must not break invariants.
   */
  fill(i: number): Promise<void>;
  /** Checks that every acknowledged write is there and walks the package's own indexes. */
  verify(acked: readonly number[]): Promise<VerifyResult>;
  /** Public methods to call while the server is down (each must fail with a typed error). */
  probes(): Record<string, () => Promise<unknown>>;
}

export interface Workload {
  readonly name: string;
  /** Builds the store on `client` (a fresh connection) under `prefix` and runs its ensureSchema(). */
  open(client: RedisClient, prefix: string): Promise<WorkloadSession>;
}
