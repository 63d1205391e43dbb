import { keysMatching } from '@redstate/testing';
import type { Redis } from 'ioredis';
import type { AgentStateInput, Message } from '../src/index.js';

export function makeState(sessionId: string, overrides: Partial<AgentStateInput> = {}): AgentStateInput {
  return {
    sessionId,
    agentType: 'researcher',
    status: 'running',
    stepCount: 1,
    customState: { notes: [] },
    ...overrides,
  };
}

export function messages(n: number, from = 0): Message[] {
  return Array.from({ length: n }, (_, i) => ({ role: 'user' as const, content: `m${from + i}` }));
}

/** Every key under a test prefix (test-only SCAN, to prove what operations wrote). */
export async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  return (await keysMatching(client, `${prefix}*`)).sort();
}
