import { type ErrorFactory, NotFoundError, RedstateError } from '@redstate/core';

/** A human request, batch or notify delivery with this id already exists; nothing was written. */
export class DuplicateIdError extends RedstateError {
  static override readonly code = 'HITL_DUPLICATE_ID';
}

/** The resume token already belongs to another human request; nothing was written. */
export class TokenInUseError extends RedstateError {
  static override readonly code = 'HITL_TOKEN_IN_USE';
}

/** `resolve` on a request that is no longer pending; nothing was written. */
export class AlreadyResolvedError extends RedstateError {
  static override readonly code = 'HITL_ALREADY_RESOLVED';
}

/** The codes our Lua scripts return with `fail(...)`, mapped to error classes in one place. */
export const hitlScriptErrors: Readonly<Record<string, ErrorFactory>> = {
  DUPLICATE_ID: (m) => new DuplicateIdError(m),
  TOKEN_IN_USE: (m) => new TokenInUseError(m),
  ALREADY_RESOLVED: (m) => new AlreadyResolvedError(m),
  NOT_FOUND: (m) => new NotFoundError(m),
};
