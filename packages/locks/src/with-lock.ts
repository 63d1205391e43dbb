import { LockLostError } from '@redstate/core';
import type { Lock } from './lock.js';

export interface AutoRefreshOptions {
  /** How often to refresh the lease while `fn` runs. Default: a third of the lease. */
  readonly refreshIntervalMs?: number;
  /** Aborts waiting for the lock, and is forwarded to `fn`'s signal. */
  readonly signal?: AbortSignal;
}

export type LockedFunction<T> = (signal: AbortSignal, lock: Lock) => Promise<T> | T;

/**
 * Runs `fn` under an already acquired lock: refreshes it in the background, aborts
 * `fn`'s signal if the lock is lost, and always releases it afterwards.
 * If the lock was lost while `fn` ran (seen by a refresh, or by the final release finding
 * it gone) and `fn` did not throw, throws LockLostError: the work did not run exclusively.
 */
export async function runLocked<T>(lock: Lock, fn: LockedFunction<T>, options: AutoRefreshOptions): Promise<T> {
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([controller.signal, options.signal]) : controller.signal;
  const interval = options.refreshIntervalMs ?? Math.max(1, Math.floor(lock.ttlMs / 3));
  // Local clock estimate of the lease end, never later than the server's.
  let leaseEnd = Date.now() + Math.min(lock.ttlMs, lock.expiresAt.getTime() - lock.acquiredAt.getTime());
  let lost: LockLostError | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const markLost = (error: LockLostError) => {
    lost = error;
    controller.abort(error);
  };
  const schedule = () => {
    if (stopped) return;
    const delay = Math.max(1, Math.min(interval, leaseEnd - Date.now() - 1));
    timer = setTimeout(() => void tick(), delay);
  };
  const tick = async () => {
    const startedAt = Date.now();
    try {
      await lock.refresh();
      leaseEnd = startedAt + lock.ttlMs;
      schedule();
    } catch (error) {
      if (stopped) return;
      if (LockLostError.isInstance(error)) return markLost(error);
      if (Date.now() >= leaseEnd) {
        return markLost(new LockLostError(`could not refresh lock ${lock.key} before its lease ran out`, { cause: error }));
      }
      schedule();
    }
  };

  const stop = () => {
    stopped = true;
    clearTimeout(timer);
  };

  schedule();
  let result: T;
  try {
    result = await fn(signal, lock);
  } catch (error) {
    stop();
    await lock.release().catch(() => false);
    throw error;
  }
  stop();
  let released = true;
  try {
    released = await lock.release();
  } catch {
    // Redis unreachable: the lease simply runs out after ttlMs.
  }
  if (lost) throw lost;
  if (!released) throw new LockLostError(`lock ${lock.key} was lost before fn finished`);
  return result;
}
