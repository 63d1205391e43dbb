import { RedstateError, type ScriptErrorMap } from '@redstate/core';

/** `append` was given a sequence other than the stream's next one (another writer won). */
export class SequenceConflictError extends RedstateError {
  static override readonly code = 'SEQUENCE_CONFLICT';
}

/** A stream chunk that is not a JSON object with a `type`. Nothing was written. */
export class MalformedChunkError extends RedstateError {
  static override readonly code = 'MALFORMED_CHUNK';
}

/** The stream has ended or failed; it takes no more chunks. */
export class StreamClosedError extends RedstateError {
  static override readonly code = 'STREAM_CLOSED';
}

/** A reader reached the end of a stream that was failed with `failStream`. */
export class StreamFailedError extends RedstateError {
  static override readonly code = 'STREAM_FAILED';
}

/** The chunks a reader asked for were trimmed away by `maxStreamLength`. */
export class StreamTrimmedError extends RedstateError {
  static override readonly code = 'STREAM_TRIMMED';
}

/** Lua failure codes of this package (on top of core's), mapped to error classes in one place. */
export const agentStateScriptErrors: ScriptErrorMap = {
  SEQUENCE_CONFLICT: (m) => new SequenceConflictError(m),
  STREAM_CLOSED: (m) => new StreamClosedError(m),
};
