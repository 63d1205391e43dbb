import { type AgentSubmissionInput, createAttachmentRef, createDispatchAgentSubmissionInput } from '@flue/runtime/adapter';
import { useTestRedis } from '@redstate/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { type FlueRedisAdapter, flueRedis } from '../src/index.js';
import { dispatch } from './helpers.js';

// JSON.parse makes "__proto__" an own, plain-data key: it must survive a round trip through Redis.
const redis = useTestRedis('flue-proto');
const open: FlueRedisAdapter[] = [];

async function stores() {
  const adapter = flueRedis(redis.connect(), { keyPrefix: redis.newPrefix('proto') });
  open.push(adapter);
  return adapter.connect();
}

function withProto<T extends object>(value: T, proto: unknown = { polluted: true }): T {
  return { ...value, ...JSON.parse(`{"__proto__": ${JSON.stringify(proto)}}`) };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((a) => a.close()));
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

describe('own "__proto__" keys are kept', () => {
  it('withProto makes an own key (sanity)', () => {
    const value = withProto({ a: 1 });
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(JSON.stringify(value)).toBe('{"a":1,"__proto__":{"polluted":true}}');
  });

  it('attachment ref: get answers the ref as put, and a replayed put is no conflict', async () => {
    const { attachmentStore } = await stores();
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i % 256);
    const attachment = withProto(await createAttachmentRef({ id: 'att-p', mimeType: 'image/png', bytes }));
    const input = { streamPath: 'agents/a/p', attachment, bytes, conversationId: 'c1' };
    await attachmentStore.put(input);
    await expect(attachmentStore.put(input)).resolves.toBeUndefined();
    const got = await attachmentStore.get({ streamPath: 'agents/a/p', conversationId: 'c1', attachmentId: 'att-p' });
    expect(JSON.stringify(got?.attachment)).toBe(JSON.stringify(attachment));
    expect(Object.hasOwn(got?.attachment ?? {}, '__proto__')).toBe(true);
    expect(got?.bytes).toEqual(bytes);
  });

  it('dispatch submission: message attributes, attachments and initialData read back as admitted', async () => {
    const { submissionStore } = await stores();
    const signal = dispatch({
      submissionId: 'proto-signal',
      message: { kind: 'signal', type: 'test.event', body: 'b', attributes: JSON.parse('{"__proto__": "x", "a": "y"}') },
      initialData: withProto({ n: 1 }),
    });
    const user = dispatch({
      submissionId: 'proto-user',
      message: withProto({
        kind: 'user' as const,
        body: 'look',
        attachments: [withProto({ type: 'image' as const, data: 'A'.repeat(300_000), mimeType: 'image/png' })],
      }),
    });
    for (const input of [signal, user]) {
      const admitted = await submissionStore.admitDispatch(input);
      expect(admitted.kind).toBe('submission');
      const replay = await submissionStore.admitDispatch(input);
      expect(replay.kind).toBe('submission');
      const read = await submissionStore.getSubmission(input.submissionId);
      expect(JSON.stringify(read?.input)).toBe(JSON.stringify(createDispatchAgentSubmissionInput(input)));
      for (const got of [admitted, replay]) {
        if (got.kind === 'submission') expect(JSON.stringify(got.submission.input)).toBe(JSON.stringify(read?.input));
      }
    }
    const read = await submissionStore.getSubmission('proto-signal');
    const message = read?.input.message as { attributes?: Record<string, string> };
    expect(Object.hasOwn(message.attributes ?? {}, '__proto__')).toBe(true);
    const initialData = (read?.input as { initialData?: object } | undefined)?.initialData;
    expect(Object.hasOwn(initialData ?? {}, '__proto__')).toBe(true);
    const userRead = await submissionStore.getSubmission('proto-user');
    const userMessage = userRead?.input.message as { attachments?: object[] };
    expect(Object.hasOwn(userMessage, '__proto__')).toBe(true);
    expect(Object.hasOwn(userMessage.attachments?.[0] ?? {}, '__proto__')).toBe(true);
  });

  it('direct submission: an own "__proto__" key of the input reads back as admitted', async () => {
    const { submissionStore } = await stores();
    const input = withProto({
      kind: 'direct' as const,
      submissionId: 'proto-direct',
      agent: 'assistant',
      id: 'agent-1',
      message: { kind: 'user' as const, body: 'hi' },
      acceptedAt: '2026-06-03T00:00:00.000Z',
    }) as AgentSubmissionInput;
    const admitted = await submissionStore.admitDirect(input);
    expect(JSON.stringify(admitted.input)).toBe(JSON.stringify(input));
    expect(Object.hasOwn(admitted.input, '__proto__')).toBe(true);
    const read = await submissionStore.getSubmission('proto-direct');
    expect(JSON.stringify(read?.input)).toBe(JSON.stringify(input));
    expect(Object.hasOwn(read?.input ?? {}, '__proto__')).toBe(true);
    await expect(submissionStore.admitDirect(input)).resolves.toMatchObject({ submissionId: 'proto-direct' });
  });
});
