import { randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import {
  CorruptDataError,
  type EnsureSchemaResult,
  batchGroupOf,
  idSchema,
  isRedisClient,
  Keyspace,
  withMappedErrors,
  parseInput,
  type RedisClient,
  SchemaLedger,
  TickBatcher,
  ValidationError,
} from '@redstate/core';
import { z } from 'zod';
import { LockUnavailableError } from './errors.js';
import { PACKAGE_VERSION } from './generated/version.js';
import { type LeaseBackend, type Lock, RedisLock } from './lock.js';
import { acquireOptionsSchema, limitSchema, managerOptionsSchema, withLockOptionsSchema } from './options.js';
import { lockMigrations } from './schema.js';
import {
  type AcquireReply,
  inspectScript,
  type LockOp,
  type LockOpReply,
  lockOpsArgs,
  lockOpsScript,
  refreshScript,
  semAcquireScript,
  semCountScript,
  semRefreshScript,
  semReleaseScript,
} from './scripts.js';
import { retryDelay, sleep, throwIfAborted } from './wait.js';
import { type LockedFunction, runLocked } from './with-lock.js';

export interface RedisLockManagerOptions {
  /** Namespace of every key. Default `redstate:locks`. A trailing `:` is ignored. */
  readonly keyPrefix?: string;
  /** Lease length when `acquire` gets no `ttlMs`. Default 30 000 ms. */
  readonly defaultTTLMs?: number;
}

export interface AcquireOptions {
  /** Lease length in ms (1 .. 7 days). Default: the manager's `defaultTTLMs`. */
  readonly ttlMs?: number;
  /** Who holds the lock, for humans and `getLock`. Default `<hostname>:<pid>:<random>`. */
  readonly owner?: string;
  /** How long to keep retrying while someone else holds it. Default 0 (one attempt). */
  readonly waitMs?: number;
  /** First retry delay; later ones grow exponentially (max 1 s) with jitter. Default 25 ms. */
  readonly retryDelayMs?: number;
  /** Aborts the wait: `acquire` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

export interface WithLockOptions extends AcquireOptions {
  /** How often the lease is refreshed while `fn` runs. Default: a third of `ttlMs`. */
  readonly refreshIntervalMs?: number;
}

/** Who holds a lock right now (from `getLock`). */
export interface LockInfo {
  readonly key: string;
  readonly owner: string;
  readonly fencingToken: number;
  readonly acquiredAt: Date;
  readonly expiresAt: Date;
}

/** The Redis keys behind one lock (see the README key layout). */
export interface LockKeys {
  readonly lock: string;
  readonly token: string;
}

export interface SemaphoreKeys {
  readonly holders: string;
  readonly token: string;
}

export const DEFAULT_KEY_PREFIX = 'redstate:locks';
export const DEFAULT_TTL_MS = 30_000;
const DEFAULT_RETRY_DELAY_MS = 25;
const DEFAULT_OWNER = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;

const storedToken = z.coerce.number().int().positive();
const storedTime = z.coerce.number().int().nonnegative();

type Attempt = (value: string, ttlMs: number) => Promise<AcquireReply>;

/**
 * Distributed locks with fencing tokens on one Redis (or one Cluster slot per lock).
 * Every operation is one round trip; the schema ledger is checked lazily once.
 */
export class RedisLockManager {
  readonly keyspace: Keyspace;
  readonly defaultTTLMs: number;
  private readonly ledger: SchemaLedger;
  // Acquires and releases issued in the same tick share one script run (one round trip for
  // all of them, each item handled exactly as alone, in submission order). On a Cluster only items of
  // one lock key share a run.
  private readonly lockOps = new TickBatcher<LockOp, LockOpReply>((items) => {
    const { keys, args } = lockOpsArgs(items);
    return lockOpsScript.run(this.redis, keys, args);
  });
  private readonly groupOf: (key: string) => string;

  constructor(
    private readonly redis: RedisClient,
    options: RedisLockManagerOptions = {},
  ) {
    if (!isRedisClient(redis)) throw new ValidationError('RedisLockManager needs an ioredis Redis or Cluster client');
    const opts = parseInput(managerOptionsSchema, options, 'RedisLockManager options');
    this.keyspace = new Keyspace(opts.keyPrefix ?? DEFAULT_KEY_PREFIX);
    this.defaultTTLMs = opts.defaultTTLMs ?? DEFAULT_TTL_MS;
    this.groupOf = batchGroupOf(redis);
    this.ledger = new SchemaLedger(redis, {
      namespace: 'locks',
      keyspace: this.keyspace,
      migrations: lockMigrations,
      version: PACKAGE_VERSION,
    });
  }

  /** Applies pending migrations (`001-initial`). Operations also run it lazily once. */
  ensureSchema(): Promise<EnsureSchemaResult> {
    return this.ledger.ensure();
  }

  lockKeys(key: string): LockKeys {
    const unit = this.keyspace.unit(parseInput(idSchema, key, 'lock key'));
    return { lock: unit.key('lock'), token: unit.key('token') };
  }

  semaphoreKeys(key: string): SemaphoreKeys {
    const unit = this.keyspace.unit('semaphore', parseInput(idSchema, key, 'semaphore key'));
    return { holders: unit.key('holders'), token: unit.key('token') };
  }

  /**
   * Takes the lock, or returns null when someone else holds it (after retrying for
   * `waitMs`). One round trip per attempt.
   */
  async acquire(key: string, options: AcquireOptions = {}): Promise<Lock | null> {
    const keys = this.lockKeys(key);
    const opts = parseInput(acquireOptionsSchema, options, 'acquire options');
    const owner = opts.owner ?? DEFAULT_OWNER;
    const backend: LeaseBackend = {
      refresh: (value, ttlMs) => refreshScript.run(this.redis, [keys.lock], [value, ttlMs]),
      release: async (value) => released(await this.runLockOp({ op: 'r', keys, value })),
    };
    const attempt: Attempt = async (value, ttlMs) => acquired(await this.runLockOp({ op: 'a', keys, value, owner, ttlMs }));
    return this.acquireLoop(key, owner, opts, attempt, backend);
  }

  /** Whether someone holds the lock right now. */
  async isLocked(key: string): Promise<boolean> {
    const keys = this.lockKeys(key);
    await this.ledger.ensureOnce();
    return (await withMappedErrors(() => this.redis.exists(keys.lock))) === 1;
  }

  /** Who holds the lock, or null when it is free. */
  async getLock(key: string): Promise<LockInfo | null> {
    const keys = this.lockKeys(key);
    await this.ledger.ensureOnce();
    const raw = await inspectScript.run(this.redis, [keys.lock]);
    if (!raw) return null;
    const what = `lock ${key}`;
    const token = storedToken.safeParse(raw.token);
    const at = storedTime.safeParse(raw.acquiredAt);
    if (!token.success || !at.success) throw new CorruptDataError(`corrupt stored ${what}: bad token or acquiredAt`);
    return {
      key,
      owner: raw.owner,
      fencingToken: token.data,
      acquiredAt: new Date(at.data),
      expiresAt: new Date(raw.expiresAtMs),
    };
  }

  /**
   * Acquires the lock (waiting up to `waitMs`), runs `fn` while refreshing the lease,
   * and always releases it. `fn` gets a signal that aborts if the lock is lost.
   * Throws LockUnavailableError when the lock could not be taken.
   */
  async withLock<T>(key: string, fn: LockedFunction<T>, options: WithLockOptions = {}): Promise<T> {
    const { refreshIntervalMs, ...acquireOptions } = parseInput(withLockOptionsSchema, options, 'withLock options');
    const lock = await this.acquire(key, acquireOptions);
    if (!lock) throw new LockUnavailableError(`lock ${key} is held by someone else`, { details: { key } });
    return runLocked(lock, fn, { refreshIntervalMs, signal: acquireOptions.signal });
  }

  /**
   * Takes one of `limit` slots of a counting semaphore, or returns null when all are
   * held. Every caller of one key must pass the same `limit`. Leases carry fencing
   * tokens strictly increasing per semaphore key.
   */
  async acquireSemaphore(key: string, limit: number, options: AcquireOptions = {}): Promise<Lock | null> {
    const keys = this.semaphoreKeys(key);
    const max = parseInput(limitSchema, limit, 'semaphore limit');
    const opts = parseInput(acquireOptionsSchema, options, 'acquireSemaphore options');
    const owner = opts.owner ?? DEFAULT_OWNER;
    const backend: LeaseBackend = {
      refresh: (value, ttlMs) => semRefreshScript.run(this.redis, [keys.holders], [value, ttlMs]),
      release: (value) => semReleaseScript.run(this.redis, [keys.holders], [value]),
    };
    const attempt: Attempt = (value, ttlMs) => semAcquireScript.run(this.redis, [keys.holders, keys.token], [value, ttlMs, max]);
    return this.acquireLoop(key, owner, opts, attempt, backend);
  }

  /** Like {@link withLock}, for one slot of a counting semaphore. */
  async withSemaphore<T>(key: string, limit: number, fn: LockedFunction<T>, options: WithLockOptions = {}): Promise<T> {
    const { refreshIntervalMs, ...acquireOptions } = parseInput(withLockOptionsSchema, options, 'withSemaphore options');
    const lease = await this.acquireSemaphore(key, limit, acquireOptions);
    if (!lease) throw new LockUnavailableError(`all ${limit} slots of semaphore ${key} are held`, { details: { key, limit } });
    return runLocked(lease, fn, { refreshIntervalMs, signal: acquireOptions.signal });
  }

  /** How many live leases a semaphore has. */
  async semaphoreCount(key: string): Promise<number> {
    const keys = this.semaphoreKeys(key);
    await this.ledger.ensureOnce();
    return semCountScript.run(this.redis, [keys.holders]);
  }

  private runLockOp(op: LockOp): Promise<LockOpReply> {
    return this.lockOps.submit(this.groupOf(op.keys.lock), op);
  }

  private async acquireLoop(
    key: string,
    owner: string,
    opts: z.output<typeof acquireOptionsSchema>,
    attempt: Attempt,
    backend: LeaseBackend,
  ): Promise<Lock | null> {
    const ttlMs = opts.ttlMs ?? this.defaultTTLMs;
    const waitMs = opts.waitMs ?? 0;
    const base = opts.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    const deadline = Date.now() + waitMs;
    throwIfAborted(opts.signal);
    await this.ledger.ensureOnce();
    for (let n = 0; ; n++) {
      throwIfAborted(opts.signal);
      const value = randomUUID(); // 122 random bits; Node serves these from a pooled buffer, unlike randomBytes per call
      const reply = await attempt(value, ttlMs);
      if (reply.acquired) {
        const init = { key, owner, value, fencingToken: reply.token, acquiredAtMs: reply.acquiredAtMs, expiresAtMs: reply.expiresAtMs, ttlMs };
        return new RedisLock(init, backend);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) return null;
      await sleep(retryDelay(n, base, reply.retryAfterMs, remaining), opts.signal);
    }
  }
}

function acquired(reply: LockOpReply): AcquireReply {
  if (typeof reply === 'boolean') throw new CorruptDataError('lock-ops answered a release reply to an acquire');
  return reply;
}

function released(reply: LockOpReply): boolean {
  if (typeof reply !== 'boolean') throw new CorruptDataError('lock-ops answered an acquire reply to a release');
  return reply;
}
