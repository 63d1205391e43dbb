const MARKER = Symbol.for('@redstate/error');

export interface RedstateErrorOptions {
  cause?: unknown;
  details?: Readonly<Record<string, unknown>>;
}

/**
 * Base class of every error redstate throws. `code` is stable across versions;
 * `isInstance` works even when two copies of this package are installed (by code), and
 * matches subclasses that refine a code (a package's `SequenceConflictError extends ConflictError`).
 */
export class RedstateError extends Error {
  static readonly code: string = 'REDSTATE_ERROR';
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;
  readonly [MARKER] = true;

  constructor(message: string, options: RedstateErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = (new.target as typeof RedstateError).code;
    this.details = Object.freeze({ ...options.details });
  }

  static isInstance<T extends typeof RedstateError>(this: T, value: unknown): value is InstanceType<T> {
    if (value instanceof this) return true; // includes subclasses with their own code
    if (typeof value !== 'object' || value === null) return false;
    if ((value as Record<symbol, unknown>)[MARKER] !== true) return false;
    if (this.code === RedstateError.code) return true;
    return (value as { code?: unknown }).code === this.code;
  }
}

/** Input rejected at the public boundary; nothing was written. */
export class ValidationError extends RedstateError {
  static override readonly code: string = 'VALIDATION';
}

/** A concurrent writer got there first, or the entity is in a state that forbids the change. */
export class ConflictError extends RedstateError {
  static override readonly code: string = 'CONFLICT';
}

export class NotFoundError extends RedstateError {
  static override readonly code: string = 'NOT_FOUND';
}

/** The stored schema ledger was written by a newer version of the package. */
export class SchemaTooNewError extends RedstateError {
  static override readonly code: string = 'SCHEMA_TOO_NEW';
}

/** An operation needs `ensureSchema()` to have run first. */
export class SchemaNotReadyError extends RedstateError {
  static override readonly code: string = 'SCHEMA_NOT_READY';
}

/** The caller no longer holds the lock it acts under. */
export class LockLostError extends RedstateError {
  static override readonly code: string = 'LOCK_LOST';
}

/** A write carried a fencing token older than the newest one seen for the resource. */
export class StaleFencingTokenError extends RedstateError {
  static override readonly code: string = 'STALE_FENCING_TOKEN';
}

/** Data read back from Redis does not match what this package writes. */
export class CorruptDataError extends RedstateError {
  static override readonly code: string = 'CORRUPT_DATA';
}

/** The server is configured in a way that can lose data (eviction, no persistence, ...). */
export class ServerConfigError extends RedstateError {
  static override readonly code: string = 'SERVER_CONFIG';
}

/** The server could not be reached, refused the command (OOM, READONLY, ...) or timed out. */
export class RedisUnavailableError extends RedstateError {
  static override readonly code: string = 'REDIS_UNAVAILABLE';
}
