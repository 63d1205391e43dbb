import { randomBytes } from 'node:crypto';
import type { HumanActions, HumanRequestRecord, HumanResult, State } from '@redstate/hitl';
import { newId } from './clock.ts';
import { note } from './timeline.ts';

export interface ApprovalInput {
  /** The workflow run (thread) waiting for the answer; its timeline collects the story. */
  readonly threadId: string;
  readonly channel: string;
  readonly namespace?: string;
  readonly message: string;
  readonly actions: HumanActions;
  readonly context?: Record<string, unknown>;
}

export interface BatchInput {
  readonly threadId: string;
  readonly channel: string;
  readonly namespace?: string;
  readonly message: string;
  readonly actions: HumanActions;
  /** One request per item, in this order (`batchIndex` 0, 1, ...). */
  readonly items: readonly { readonly message: string; readonly context?: Record<string, unknown> }[];
}

export interface Filed {
  readonly id: string;
  readonly token: string;
}

export interface Resumption {
  readonly token: string;
  readonly threadId: string;
  readonly record: HumanRequestRecord;
  readonly result: HumanResult;
}

/**
 * The workflow side of hitl: files approval requests with an opaque resume token and, when
 * told a token was answered, loads the request by that token and continues the waiting run.
 * Nothing but the token travels from the inbox back to the engine: everything else is read
 * from Redis, so the engine that resumes need not be the one that asked.
 */
export class ApprovalEngine {
  private readonly waiting = new Map<string, (resumption: Resumption) => void>();
  private readonly resumed = new Map<string, Resumption>();

  private readonly state: State;

  constructor(state: State) {
    this.state = state;
  }

  async requestApproval(input: ApprovalInput): Promise<Filed> {
    const filed = { id: newId('req'), token: newToken() };
    await this.state.create({
      ...filed,
      channel: input.channel,
      namespace: input.namespace,
      message: input.message,
      actions: input.actions,
      context: { ...input.context, threadId: input.threadId },
    });
    await note(this.state, input.threadId, `asked ${input.channel}: ${input.message}`, { requestId: filed.id });
    return filed;
  }

  /** A batch record, then one request per item carrying `batchId` and its `batchIndex`. */
  async requestBatch(input: BatchInput): Promise<{ readonly batchId: string; readonly requests: readonly Filed[] }> {
    const batchId = newId('batch');
    await this.state.createBatch({ id: batchId, channel: input.channel, message: input.message, actions: input.actions, context: { threadId: input.threadId } });
    const requests: Filed[] = [];
    for (const [batchIndex, item] of input.items.entries()) {
      const filed = { id: newId('req'), token: newToken() };
      await this.state.create({
        ...filed,
        channel: input.channel,
        namespace: input.namespace,
        message: item.message,
        actions: input.actions,
        context: { ...item.context, threadId: input.threadId },
        batchId,
        batchIndex,
      });
      requests.push(filed);
    }
    await note(this.state, input.threadId, `asked ${input.channel} for ${requests.length} approvals in batch ${batchId}`, { batchId });
    return { batchId, requests };
  }

  /** Resolves once `resume(token)` has found the request answered (at once if it already has). */
  wait(token: string): Promise<Resumption> {
    const done = this.resumed.get(token);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => this.waiting.set(token, resolve));
  }

  /**
   * Called with a token when its request may have been answered: looks it up by token and, if
   * it is resolved, records the resumption and wakes the waiting run. `null` for an unknown
   * token or a request still pending. A second call for the same token on this engine returns
   * the same answer without waking anything again.
   */
  async resume(token: string): Promise<Resumption | null> {
    const record = await this.state.findByToken(token);
    if (record?.status !== 'resolved' || !record.result) return null;
    const threadId = typeof record.context?.threadId === 'string' ? record.context.threadId : record.id;
    const resumption: Resumption = { token, threadId, record, result: record.result };
    if (this.resumed.has(token)) return resumption;
    this.resumed.set(token, resumption);
    const outcome = record.result.type === 'RESOLVED' ? record.result.actionId : 'timed out';
    // One entry id per request: an engine elsewhere resuming the same token replaces the note.
    await note(this.state, threadId, `resumed after ${record.id}: ${outcome}`, { requestId: record.id }, `resumed-${record.id}`);
    this.waiting.get(token)?.(resumption);
    this.waiting.delete(token);
    return resumption;
  }
}

function newToken(): string {
  return `tok_${randomBytes(12).toString('base64url')}`;
}
