import type { AgentSubmission } from '@flue/runtime/adapter';
import { flueRedis } from '@redstate/flue';
import type { Redis } from 'ioredis';
import { conversationPath } from './app.ts';

/** A persisted conversation record: the fields this app reads (Flue's records carry more). */
export interface StoredRecord {
  readonly type: string;
  readonly submissionId?: string;
  readonly content?: readonly { readonly type: string; readonly text?: string }[];
  readonly name?: string;
  readonly value?: unknown;
  readonly toolName?: string;
  readonly output?: unknown;
}

export interface PersistedConversation {
  readonly meta: { readonly producerEpoch: number; readonly nextOffset: string; readonly identity: unknown } | null;
  /** The offset of every batch, in stream order. */
  readonly offsets: readonly string[];
  readonly records: readonly StoredRecord[];
  readonly userMessages: readonly string[];
  /** Every `usePersistentState('visits')` write, in order. */
  readonly visitWrites: readonly unknown[];
  readonly submissions: readonly (AgentSubmission | null)[];
  readonly unsettled: boolean;
}

/**
 * Reads back what Flue persisted, through a separate `flueRedis` adapter on the connection
 * given (as an operator tool or another process would): the conversation stream of one
 * agent instance, page by page from the start, and the submission rows.
 */
export async function readPersisted(client: Redis, keyPrefix: string, instanceId: string, submissionIds: readonly string[]): Promise<PersistedConversation> {
  const adapter = flueRedis(client, { keyPrefix });
  try {
    const { conversationStreamStore: streams, submissionStore: submissions } = await adapter.connect();
    const path = conversationPath(instanceId);
    const records: StoredRecord[] = [];
    const offsets: string[] = [];
    let offset = '-1';
    for (;;) {
      const page = await streams.read(path, { offset, limit: 1000 });
      for (const batch of page.batches) {
        offsets.push(batch.offset);
        records.push(...(batch.records as unknown as StoredRecord[]));
      }
      if (page.upToDate || page.batches.length === 0) break;
      offset = page.nextOffset;
    }
    const text = (r: StoredRecord) => (r.content ?? []).map((c) => c.text ?? '').join('');
    return {
      meta: await streams.getMeta(path),
      offsets,
      records,
      userMessages: records.filter((r) => r.type === 'user_message').map(text),
      visitWrites: records.filter((r) => r.type === 'state_write' && r.name === 'visits').map((r) => r.value),
      submissions: await Promise.all(submissionIds.map((id) => submissions.getSubmission(id))),
      unsettled: await submissions.hasUnsettledSubmissions(),
    };
  } finally {
    await adapter.close();
  }
}
