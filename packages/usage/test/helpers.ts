import type { CallTotals, TokenTotals, UsageEntry, UsageEntryInput, UsageRollup } from '../src/index.js';

let counter = 0;

export function tokens(sessionId: string, extra: Partial<Extract<UsageEntryInput, { kind: 'tokens' }>> = {}): UsageEntryInput {
  counter++;
  return {
    kind: 'tokens',
    sessionId,
    stepCount: 1,
    timestamp: 1_700_000_000_000 + counter,
    source: { type: 'agent', name: 'agent-a' },
    model: 'gpt-4o',
    tokens: { prompt: 100, completion: 50, total: 150 },
    ...extra,
  };
}

const emptyTokens = (): TokenTotals => ({ prompt: 0, completion: 0, reasoning: 0, cached: 0, total: 0, calls: 0 });
const emptyCalls = (): CallTotals => ({ calls: 0, successes: 0, failures: 0, durationMs: 0 });

/** The rollup computed the slow way, from the entries themselves (reference model). */
export function expectedRollup(sessionId: string, entries: readonly UsageEntry[]): Omit<UsageRollup, 'custom'> & {
  custom: Record<string, { count: number; sum: number; min: number; max: number }>;
} {
  const r = {
    sessionId,
    entryCount: entries.length,
    firstTimestamp: entries.length ? Math.min(...entries.map((e) => e.timestamp)) : null,
    lastTimestamp: entries.length ? Math.max(...entries.map((e) => e.timestamp)) : null,
    maxStep: entries.length ? Math.max(...entries.map((e) => e.stepCount)) : null,
    tokens: { ...emptyTokens(), byModel: {} as Record<string, TokenTotals> },
    tools: { ...emptyCalls(), byTool: {} as Record<string, CallTotals> },
    subAgents: { ...emptyCalls(), byAgent: {} as Record<string, number>, bySession: {} as Record<string, number> },
    custom: {} as Record<string, { count: number; sum: number; min: number; max: number }>,
    includedSessionIds: [sessionId],
    missingSessionIds: [] as string[],
    truncated: false,
  };
  const add = (t: TokenTotals, e: Extract<UsageEntry, { kind: 'tokens' }>) => {
    t.prompt += e.tokens.prompt;
    t.completion += e.tokens.completion;
    t.reasoning += e.tokens.reasoning ?? 0;
    t.cached += e.tokens.cached ?? 0;
    t.total += e.tokens.total ?? e.tokens.prompt + e.tokens.completion;
    t.calls += 1;
  };
  const call = (c: CallTotals, ok: boolean, ms: number) => {
    c.calls += 1;
    if (ok) c.successes += 1;
    else c.failures += 1;
    c.durationMs += ms;
  };
  for (const e of entries) {
    switch (e.kind) {
      case 'tokens':
        add(r.tokens, e);
        r.tokens.byModel[e.model] ??= emptyTokens();
        add(r.tokens.byModel[e.model]!, e);
        break;
      case 'tool':
        call(r.tools, e.success, e.durationMs ?? 0);
        r.tools.byTool[e.toolName] ??= emptyCalls();
        call(r.tools.byTool[e.toolName]!, e.success, e.durationMs ?? 0);
        break;
      case 'subagent':
        call(r.subAgents, e.success !== false, e.durationMs ?? 0);
        r.subAgents.byAgent[e.agentName] = (r.subAgents.byAgent[e.agentName] ?? 0) + 1;
        r.subAgents.bySession[e.subSessionId] = (r.subAgents.bySession[e.subSessionId] ?? 0) + 1;
        break;
      case 'custom': {
        const m = r.custom[e.name] ?? { count: 0, sum: 0, min: e.value, max: e.value };
        r.custom[e.name] = m;
        m.count += 1;
        m.sum += e.value;
        m.min = Math.min(m.min, e.value);
        m.max = Math.max(m.max, e.value);
        break;
      }
    }
  }
  return r;
}
