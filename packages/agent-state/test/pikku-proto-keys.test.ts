import type { AgentMessage, PendingApproval } from '@pikku/core/agent';
import { useTestRedis } from '@redstate/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisAgentRunService, RedisAgentStorageService } from '../src/pikku.js';

// JSON.parse makes "__proto__" an own data property: user data that must survive a round trip.
const withProto = (extra = '') => JSON.parse(`{"a":1,"__proto__":{"polluted":true}${extra},"z":[{"__proto__":"x"}]}`);
const usage = { inputTokens: 1, outputTokens: 2, model: 'm' };

/** `x` has an own "__proto__" key and serialises exactly like `original`. */
function expectKept(x: unknown, original: unknown): void {
  expect(Object.hasOwn(x as object, '__proto__')).toBe(true);
  expect(JSON.stringify(x)).toBe(JSON.stringify(original));
}

function ownProto(x: object): unknown {
  return Object.getOwnPropertyDescriptor(x, '__proto__')?.value;
}

describe('Pikku agent services: own "__proto__" keys are kept', () => {
  const redis = useTestRedis('pikku-proto');
  const services = (prefix: string) => ({
    storage: new RedisAgentStorageService(redis.client, { keyPrefix: prefix }),
    runs: new RedisAgentRunService(redis.client, { keyPrefix: prefix }),
  });

  afterEach(() => {
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('thread metadata', async () => {
    const { storage, runs } = services(redis.newPrefix());
    const metadata = withProto();
    const created = await storage.createThread('r', { threadId: 't', metadata });
    expectKept(created.metadata, metadata);
    expectKept((await storage.getThread('t')).metadata, metadata);
    expectKept((await storage.getThreads('r'))[0]!.metadata, metadata);
    expectKept((await runs.getThread('t'))!.metadata, metadata);
    expectKept((await runs.listThreads({ resourceId: 'r' }))[0]!.metadata, metadata);
  });

  it('message objects', async () => {
    const { storage, runs } = services(redis.newPrefix());
    await storage.createThread('r', { threadId: 't' });
    const message = Object.assign(withProto(), { id: 'm1', role: 'user', createdAt: new Date(1_000) }) as AgentMessage;
    await storage.saveMessages('t', [message]);
    expectKept((await storage.getMessages('t'))[0], message);
    expectKept((await runs.getThreadMessages('t'))[0], message);
  });

  it('working memory, both scopes', async () => {
    const { storage } = services(redis.newPrefix());
    for (const scope of ['thread', 'resource'] as const) {
      const data = withProto();
      await storage.saveWorkingMemory('w', scope, data);
      expectKept(await storage.getWorkingMemory('w', scope), data);
    }
  });

  it('run fields and pending approvals through createRun, updateRun and resolveApproval', async () => {
    const { storage } = services(redis.newPrefix());
    await storage.createThread('r', { threadId: 't' });
    const approval = (id: string) =>
      Object.assign(withProto(), { type: 'tool-call', toolCallId: id, toolName: 'x', args: withProto() }) as PendingApproval;
    const approvals = [approval('tc1'), approval('tc2')];
    const extra = { stepNotes: 'kept' };
    const run = Object.assign(JSON.parse('{"__proto__":{"polluted":true}}'), extra, {
      agentName: 'a',
      threadId: 't',
      resourceId: 'r',
      status: 'suspended',
      pendingApprovals: approvals,
      usage,
      createdAt: new Date(1_000),
      updatedAt: new Date(2_000),
    });
    const runId = await storage.createRun(run);

    let got = (await storage.getRun(runId))!;
    expect(JSON.stringify(ownProto(got))).toBe(JSON.stringify(ownProto(run)));
    expect(JSON.stringify(got.pendingApprovals)).toBe(JSON.stringify(approvals));
    expectKept(got.pendingApprovals![0], approvals[0]);
    expectKept((await storage.getRunsByThread('t'))[0]!.pendingApprovals![1], approvals[1]);
    expectKept((await storage.findRunByToolCallId('tc1'))!.approval, approvals[0]);

    // an unrelated update and a claim re-write the run: nothing is lost on the way
    await storage.updateRun(runId, { status: 'running' });
    expect(await storage.resolveApproval('tc1', 'approved')).toBe(true);
    got = (await storage.getRun(runId))!;
    expect(JSON.stringify(ownProto(got))).toBe(JSON.stringify(ownProto(run)));
    expect(JSON.stringify(got.pendingApprovals)).toBe(JSON.stringify([approvals[1]]));

    // updateRun given "__proto__" keys: the update's own key and new approvals are stored as data
    const updates = JSON.parse('{"status":"suspended","__proto__":{"polluted":"updated"}}');
    updates.pendingApprovals = [approval('tc3')];
    await storage.updateRun(runId, updates);
    got = (await storage.getRun(runId))!;
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(JSON.stringify(ownProto(got))).toBe('{"polluted":"updated"}');
    expectKept(got.pendingApprovals![0], updates.pendingApprovals[0]);
    expect((got as { stepNotes?: string }).stepNotes).toBe('kept');
    expectKept((await storage.findRunByToolCallId('tc3'))!.approval, updates.pendingApprovals[0]);
  });

  it('score metadata', async () => {
    const { storage } = services(redis.newPrefix());
    await storage.createThread('r', { threadId: 't' });
    const runId = await storage.createRun({
      agentName: 'a',
      threadId: 't',
      resourceId: 'r',
      status: 'completed',
      usage,
      createdAt: new Date(1_000),
      updatedAt: new Date(2_000),
    });
    const metadata = withProto();
    await storage.saveScore({ runId, scorerName: 's', score: 0.5, metadata });
    expectKept((await storage.getScores(runId))[0]!.metadata, metadata);
  });
});
