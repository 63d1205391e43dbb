import { NotFoundError } from '@redstate/core';

/** A thread named by a Pikku agent call does not exist (code `NOT_FOUND`). */
export class AgentThreadNotFoundError extends NotFoundError {
  constructor(readonly threadId: string) {
    super(`thread not found: ${threadId}`, { details: { threadId } });
  }
}

/** A run named by a Pikku agent call does not exist (code `NOT_FOUND`). */
export class AgentRunNotFoundError extends NotFoundError {
  constructor(readonly runId: string) {
    super(`run not found: ${runId}`, { details: { runId } });
  }
}
