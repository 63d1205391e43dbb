import { RedstateError } from '@redstate/core';

/** `withLock` could not get the lock within `waitMs` (someone else holds it). */
export class LockUnavailableError extends RedstateError {
  static override readonly code = 'LOCK_UNAVAILABLE';
}
