import {
  ConflictError,
  CorruptDataError,
  LockLostError,
  NotFoundError,
  RedisUnavailableError,
  RedstateError,
  StaleFencingTokenError,
  ValidationError,
} from './errors.js';

/**
 * Lua scripts report domain failures as an error reply `RSERR <CODE> <message>`
 * (see `includes/fail.lua`). This maps the code to an error class, in one place.
 */
export type ErrorFactory = (message: string) => RedstateError;
export type ScriptErrorMap = Readonly<Record<string, ErrorFactory>>;

export const coreScriptErrors: ScriptErrorMap = {
  VALIDATION: (m) => new ValidationError(m),
  CONFLICT: (m) => new ConflictError(m),
  NOT_FOUND: (m) => new NotFoundError(m),
  LOCK_LOST: (m) => new LockLostError(m),
  STALE_FENCING_TOKEN: (m) => new StaleFencingTokenError(m),
  CORRUPT_DATA: (m) => new CorruptDataError(m),
};

const SCRIPT_ERROR = /RSERR ([A-Z_]+) ?([\s\S]*)$/;

/** Turns an error from Redis into the redstate error it stands for, or returns it unchanged. */
export function mapRedisError(error: unknown, extra: ScriptErrorMap = {}): unknown {
  if (!(error instanceof Error) || RedstateError.isInstance(error)) return error;
  const match = SCRIPT_ERROR.exec(error.message);
  if (match) {
    const [, code = '', message = ''] = match;
    const factory = extra[code] ?? coreScriptErrors[code];
    if (factory) {
      const mapped = factory(message);
      (mapped as { cause?: unknown }).cause = error;
      return mapped;
    }
  }
  if (/^(OOM|READONLY|MASTERDOWN|LOADING|CLUSTERDOWN|TRYAGAIN)\b/.test(error.message)) {
    return new RedisUnavailableError(`Redis refused the command: ${error.message}`, { cause: error });
  }
  if (/Connection is closed|ECONNREFUSED|ECONNRESET|ETIMEDOUT|Command timed out|max retries|Stream isn't writeable/i.test(error.message)) {
    return new RedisUnavailableError(`Redis is unavailable: ${error.message}`, { cause: error });
  }
  return error;
}

function rethrowMapped(error: unknown): never {
  throw mapRedisError(error);
}

/** Runs one plain client call and turns what ioredis throws into redstate's typed errors. */
export function withMappedErrors<T>(call: () => Promise<T>): Promise<T> {
  // Not an async function: on hot reads one promise layer fewer is measurable.
  try {
    return call().catch(rethrowMapped);
  } catch (error) {
    return Promise.reject(mapRedisError(error));
  }
}

/**
 * A read through {@link withMappedErrors} whose reply is decoded in the same promise step:
 * hot reads (one command, then a decode) save a promise layer. Errors thrown by `decode`
 * (corrupt data) pass through unmapped.
 */
export function readMapped<T, R>(call: () => Promise<T>, decode: (reply: T) => R | PromiseLike<R>): Promise<R> {
  try {
    return call().then(decode, rethrowMapped);
  } catch (error) {
    return Promise.reject(mapRedisError(error));
  }
}
