import { PersistedFormatVersionError } from '@flue/runtime/adapter';
import { ConflictError, type ErrorFactory, RedstateError } from '@redstate/core';

/** A stream operation the conversation-stream fence refused (stale producer, bad sequence, ...). */
export class FlueStreamRejectedError extends RedstateError {
  static override readonly code = 'FLUE_STREAM_REJECTED';
}

/** `admitDirect` found the submission id already admitted with another payload. */
export class FlueAdmissionConflictError extends ConflictError {}

const REDSTATE_MARKER = Symbol.for('@redstate/error');

/**
 * The Redis namespace records a Flue format version this adapter cannot read (newer, or
 * unknown). Extends Flue's own `PersistedFormatVersionError` so the runtime and Flue's
 * contract suite recognise it, and carries redstate's `code` and marker so
 * `RedstateError.isInstance(error)` is true as well. Nothing was written.
 */
export class FlueFormatVersionError extends PersistedFormatVersionError {
  static readonly code = 'FLUE_FORMAT_VERSION';
  readonly code = FlueFormatVersionError.code;
  readonly storedVersion: string;
  readonly supportedVersion: number;
  readonly [REDSTATE_MARKER] = true;

  constructor(storedVersion: string, supportedVersion: number) {
    super({ storedVersion, supportedVersion });
    this.name = 'FlueFormatVersionError';
    this.storedVersion = storedVersion;
    this.supportedVersion = supportedVersion;
  }
}

/** Package `RSERR` codes raised by this package's Lua scripts. */
export const flueScriptErrors: Readonly<Record<string, ErrorFactory>> = {
  STREAM: (message) => new FlueStreamRejectedError(message),
};
