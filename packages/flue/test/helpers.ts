import type { AgentSubmissionStore, ConversationRecord, ConversationStreamStore, DispatchInput } from '@flue/runtime/adapter';

export function dispatch(overrides: Partial<DispatchInput> = {}): DispatchInput {
  return {
    submissionId: 'dispatch-1',
    agent: 'assistant',
    id: 'agent-1',
    message: { kind: 'signal', type: 'test.event', body: 'Hello' },
    acceptedAt: '2026-06-03T00:00:00.000Z',
    ...overrides,
  } as DispatchInput;
}

export function userRecord(id: string, text = id, owner?: { submissionId: string; attemptId: string }): ConversationRecord {
  return {
    v: 1,
    id,
    type: 'user_message',
    conversationId: 'conv_test',
    harness: 'default',
    session: 'default',
    timestamp: '2026-06-25T00:00:00.000Z',
    messageId: `m_${id}`,
    parentId: null,
    content: [{ type: 'text', text }],
    ...owner,
  } as ConversationRecord;
}

export async function readyDispatch(store: AgentSubmissionStore, overrides: Partial<DispatchInput> = {}) {
  const admission = await store.admitDispatch(dispatch(overrides));
  if (admission.kind !== 'submission') throw new Error('expected a submission');
  const ready = await store.markSubmissionCanonicalReady(admission.submission.submissionId);
  if (!ready) throw new Error('expected a ready submission');
  return ready;
}

export async function producerOn(stream: ConversationStreamStore, path: string, producer = 'coordinator') {
  await stream.createStream(path, { agentName: 'assistant', instanceId: 'agent-1' });
  return stream.acquireProducer(path, producer);
}

export async function serverMs(client: { time(): Promise<[string, string] | unknown> }): Promise<number> {
  const [s, us] = (await client.time()) as [string, string];
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}
