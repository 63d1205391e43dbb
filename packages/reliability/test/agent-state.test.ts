import { RedisStateStore } from '@redstate/agent-state';
import { describeFaults } from '../src/suite.js';
import type { VerifyResult, Workload } from '../src/workload.js';

function stateOf(sessionId: string, i: number) {
  return {
    sessionId,
    agentType: 'reliability-agent',
    status: 'running' as const,
    stepCount: 1,
    customState: { i, tags: [], nested: { big: 2 ** 53 - 1 } },
    messages: [
      { role: 'user' as const, content: `question ${i}` },
      { role: 'assistant' as const, content: `answer ${i}` },
    ],
  };
}

/**
 * Write i = saveState of session s-i (state, two messages and a checkpoint in one script).
 * A retry writes the same state again (messages sync appends nothing new). Invariants: each
 * acknowledged session loads back exactly; its message list, its messageCount and the latest
 * checkpoint agree.
 */
function agentStateWorkload(): Workload {
  return {
    name: 'agent-state',
    async open(client, prefix) {
      const store = new RedisStateStore({ client, keyPrefix: prefix, ttl: 0 });
      await store.ensureSchema();
      return {
        async write(i) {
          await store.saveState(`s-${i}`, stateOf(`s-${i}`, i));
        },
        async fill(i) {
          await store.saveState(`fill-${i}`, stateOf(`fill-${i}`, i));
        },
        async verify(acked): Promise<VerifyResult> {
          const lost: number[] = [];
          const violations: string[] = [];
          for (const i of acked) {
            const id = `s-${i}`;
            const state = await store.loadState(id);
            if (!state) {
              lost.push(i);
              continue;
            }
            if (state.customState.i !== i) violations.push(`${id}: customState ${JSON.stringify(state.customState)}`);
            const { messages } = await store.getMessages(id);
            if (messages.length !== 2 || state.messages.length !== 2) {
              violations.push(`${id}: ${messages.length} stored messages, state has ${state.messages.length}`);
            }
            const checkpoint = await store.getLatestCheckpoint(id);
            if (checkpoint?.stepCount !== 1 || checkpoint.messageCount !== 2) {
              violations.push(`${id}: latest checkpoint ${JSON.stringify(checkpoint && { step: checkpoint.stepCount, messages: checkpoint.messageCount })}`);
            }
          }
          return { checked: acked.length, lost, violations };
        },
        probes() {
          return {
            saveState: () => store.saveState('probe', stateOf('probe', 0)),
            loadState: () => store.loadState('probe'),
            appendMessages: () => store.appendMessages('probe', [{ role: 'user', content: 'x' }]),
            getMessages: () => store.getMessages('probe'),
            listCheckpoints: () => store.listCheckpoints('probe'),
            compareAndSetStatus: () => store.compareAndSetStatus('probe', ['running'], 'paused'),
            incrementResumeCount: () => store.incrementResumeCount('probe'),
            deleteSession: () => store.deleteSession('probe'),
          };
        },
      };
    },
  };
}

describeFaults(agentStateWorkload());
