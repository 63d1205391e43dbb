import { parseInput } from '@redstate/core';
import { ttlSchema } from './options.js';

/** A held lock (or semaphore lease). Times come from the Redis server clock. */
export interface Lock {
  /** The key passed to `acquire`. */
  readonly key: string;
  readonly owner: string;
  /** Strictly greater than every token handed out before for this key. */
  readonly fencingToken: number;
  readonly acquiredAt: Date;
  /** When the lease runs out unless refreshed; moves forward on `refresh()`. */
  readonly expiresAt: Date;
  /** Lease length used by `refresh()` without an argument. */
  readonly ttlMs: number;
  /** Extends the lease to `ttlMs` from now. Throws LockLostError when the lock is no longer ours. */
  refresh(ttlMs?: number): Promise<void>;
  /** Releases the lock. Returns false (and changes nothing) when it was already lost. */
  release(): Promise<boolean>;
}

/** The server side of one lease: the scripts that act on it by its random value. */
export interface LeaseBackend {
  refresh(value: string, ttlMs: number): Promise<number>;
  release(value: string): Promise<boolean>;
}

export interface LeaseInit {
  readonly key: string;
  readonly owner: string;
  readonly value: string;
  readonly fencingToken: number;
  readonly acquiredAtMs: number;
  readonly expiresAtMs: number;
  readonly ttlMs: number;
}

export class RedisLock implements Lock {
  readonly key: string;
  readonly owner: string;
  readonly fencingToken: number;
  readonly acquiredAt: Date;
  readonly ttlMs: number;
  // True private fields: the random value is what proves ownership, so it must not
  // show up when a lock is logged or serialised.
  #expiresAtMs: number;
  readonly #value: string;
  readonly #backend: LeaseBackend;

  constructor(init: LeaseInit, backend: LeaseBackend) {
    this.key = init.key;
    this.owner = init.owner;
    this.#value = init.value;
    this.#backend = backend;
    this.fencingToken = init.fencingToken;
    this.acquiredAt = new Date(init.acquiredAtMs);
    this.#expiresAtMs = init.expiresAtMs;
    this.ttlMs = init.ttlMs;
  }

  get expiresAt(): Date {
    return new Date(this.#expiresAtMs);
  }

  async refresh(ttlMs?: number): Promise<void> {
    const ttl = ttlMs === undefined ? this.ttlMs : parseInput(ttlSchema, ttlMs, 'refresh ttlMs');
    this.#expiresAtMs = await this.#backend.refresh(this.#value, ttl);
  }

  release(): Promise<boolean> {
    return this.#backend.release(this.#value);
  }

  toJSON(): Record<string, unknown> {
    return {
      key: this.key,
      owner: this.owner,
      fencingToken: this.fencingToken,
      acquiredAt: this.acquiredAt.toISOString(),
      expiresAt: this.expiresAt.toISOString(),
    };
  }
}
