import { RedstateError } from '@redstate/core';

/** A run or step attempt is already in a terminal status; the transition was not applied. */
export class TerminalStateError extends RedstateError {
  static override readonly code = 'TERMINAL_STATE';
}

/** A run or step lock stayed held by another worker for longer than `lockWaitMs`. */
export class LockTimeoutError extends RedstateError {
  static override readonly code = 'LOCK_TIMEOUT';
}

/** The key layout stored in Redis was written with another partition count. */
export class LayoutMismatchError extends RedstateError {
  static override readonly code = 'LAYOUT_MISMATCH';
}

/** Package-specific `RSERR` codes raised by this package's scripts. */
export const workflowScriptErrors = {
  TERMINAL: (message: string) => new TerminalStateError(message),
} as const;
