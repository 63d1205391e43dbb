import { idSchema, isRedisClient, Keyspace, type KeyUnit, parseInput, type RedisClient, ValidationError } from '@redstate/core';
import { fencingTokenSchema } from './options.js';
import { fenceCheckScript, fenceReadScript } from './scripts.js';

/** The key part every redstate package uses for a resource's fence: `<unit>:fence`. */
export const FENCE_KEY_PART = 'fence';

/**
 * The fence key of a resource inside the caller's own key unit, so a package's write
 * script can take it in KEYS (same hash slot) and call core's `check_fence`.
 */
export function fenceKeyOf(unit: KeyUnit): string {
  return unit.key(FENCE_KEY_PART);
}

/**
 * Atomically records `token` on `fenceKey`, or throws StaleFencingTokenError when a
 * newer token was already seen (nothing written). Equal tokens pass (same holder).
 * Returns the newest token now recorded. One round trip.
 */
export async function checkFenceKey(client: RedisClient, fenceKey: string, token: number): Promise<number> {
  const valid = parseInput(fencingTokenSchema, token, 'fencing token');
  return fenceCheckScript.run(client, [fenceKey], [valid]);
}

export interface FenceGuardOptions {
  /** Namespace of fence keys. Default `redstate:fence`. */
  readonly keyPrefix?: string;
}

export const DEFAULT_FENCE_PREFIX = 'redstate:fence';

/**
 * Fencing for resources that live outside redstate (a file, an API, a row elsewhere):
 * `check(resource, lock.fencingToken)` before each write; stale holders are rejected.
 * Fence key: `<keyPrefix>:{<resource>}:fence`.
 */
export class FenceGuard {
  readonly keyspace: Keyspace;

  constructor(
    private readonly client: RedisClient,
    options: FenceGuardOptions = {},
  ) {
    if (!isRedisClient(client)) throw new ValidationError('FenceGuard needs an ioredis Redis or Cluster client');
    this.keyspace = new Keyspace(options.keyPrefix ?? DEFAULT_FENCE_PREFIX);
  }

  keyFor(resource: string): string {
    return fenceKeyOf(this.keyspace.unit(parseInput(idSchema, resource, 'fenced resource')));
  }

  /** Records the token, or throws StaleFencingTokenError if a newer one was seen. */
  async check(resource: string, token: number): Promise<number> {
    return checkFenceKey(this.client, this.keyFor(resource), token);
  }

  /** The newest token seen for the resource (0 when none). */
  async current(resource: string): Promise<number> {
    return fenceReadScript.run(this.client, [this.keyFor(resource)]);
  }
}
