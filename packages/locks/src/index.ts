export { LockLostError, StaleFencingTokenError, ValidationError } from '@redstate/core';
export { LockUnavailableError } from './errors.js';
export {
  checkFenceKey,
  DEFAULT_FENCE_PREFIX,
  FENCE_KEY_PART,
  FenceGuard,
  type FenceGuardOptions,
  fenceKeyOf,
} from './fence.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './generated/version.js';
export type { Lock } from './lock.js';
export {
  type AcquireOptions,
  DEFAULT_KEY_PREFIX,
  DEFAULT_TTL_MS,
  type LockInfo,
  type LockKeys,
  RedisLockManager,
  type RedisLockManagerOptions,
  type SemaphoreKeys,
  type WithLockOptions,
} from './lock-manager.js';
export { MAX_SEMAPHORE_LIMIT, MAX_TTL_MS, MAX_WAIT_MS } from './options.js';
export { lockMigrations } from './schema.js';
export { lockScripts } from './scripts.js';
export type { LockedFunction } from './with-lock.js';
