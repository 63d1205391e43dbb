import { CorruptDataError } from '@redstate/core';

export interface TokenTotals {
  prompt: number;
  completion: number;
  reasoning: number;
  cached: number;
  total: number;
  /** Number of `tokens` entries. */
  calls: number;
}

export interface CallTotals {
  calls: number;
  successes: number;
  failures: number;
  durationMs: number;
}

export interface CustomMetricTotals {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface UsageRollup {
  sessionId: string;
  /** Entries counted (of this session, plus sub-agent sessions when included). */
  entryCount: number;
  /** Earliest and latest entry timestamps (ms), null when no entries. */
  firstTimestamp: number | null;
  lastTimestamp: number | null;
  /** Highest stepCount seen, null when no entries. */
  maxStep: number | null;
  tokens: TokenTotals & { byModel: Record<string, TokenTotals> };
  tools: CallTotals & { byTool: Record<string, CallTotals> };
  subAgents: CallTotals & {
    /** Sub-agent calls per agent name. */
    byAgent: Record<string, number>;
    /** Calls per sub-session id (the links `includeSubAgents` follows). */
    bySession: Record<string, number>;
  };
  custom: Record<string, CustomMetricTotals>;
  /** Sessions folded into this rollup: the session itself, then sub-agent sessions found. */
  includedSessionIds: string[];
  /** Linked sub-sessions that no longer exist (expired or deleted). */
  missingSessionIds: string[];
  /** True when the depth limit stopped the walk before every sub-session was visited. */
  truncated: boolean;
}

const TOKEN_PARTS = ['prompt', 'completion', 'reasoning', 'cached', 'total', 'calls'] as const;

function emptyTokens(): TokenTotals {
  return { prompt: 0, completion: 0, reasoning: 0, cached: 0, total: 0, calls: 0 };
}

function emptyCalls(): CallTotals {
  return { calls: 0, successes: 0, failures: 0, durationMs: 0 };
}

export function emptyRollup(sessionId: string): UsageRollup {
  return {
    sessionId,
    entryCount: 0,
    firstTimestamp: null,
    lastTimestamp: null,
    maxStep: null,
    tokens: { ...emptyTokens(), byModel: {} },
    tools: { ...emptyCalls(), byTool: {} },
    subAgents: { ...emptyCalls(), byAgent: {}, bySession: {} },
    custom: {},
    includedSessionIds: [sessionId],
    missingSessionIds: [],
    truncated: false,
  };
}

function num(raw: string, field: string, sessionId: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    throw new CorruptDataError(`corrupt stored usage rollup of session ${sessionId}: field ${field} = ${raw}`, {
      details: { sessionId, field },
    });
  }
  return n;
}

/** Splits `group.part.name` into part and name (name may contain dots). */
function split(rest: string): [string, string] {
  const dot = rest.indexOf('.');
  return dot < 0 ? [rest, ''] : [rest.slice(0, dot), rest.slice(dot + 1)];
}

function getOr<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

const CALL_FIELD: Readonly<Record<string, keyof CallTotals>> = {
  calls: 'calls',
  ok: 'successes',
  fail: 'failures',
  ms: 'durationMs',
};

/** Builds a rollup from the session's rollup hash (HGETALL). */
export function parseRollup(sessionId: string, fields: Record<string, string>): UsageRollup {
  const rollup = emptyRollup(sessionId);
  const models = new Map<string, TokenTotals>();
  const tools = new Map<string, CallTotals>();
  const agents = new Map<string, number>();
  const sessions = new Map<string, number>();
  const custom = new Map<string, CustomMetricTotals>();
  const corrupt = (field: string): never => {
    throw new CorruptDataError(`corrupt stored usage rollup of session ${sessionId}: unknown field ${field}`, {
      details: { sessionId, field },
    });
  };

  for (const [field, raw] of Object.entries(fields)) {
    const value = num(raw, field, sessionId);
    const [group, rest] = split(field);
    switch (group) {
      case 'n':
        rollup.entryCount = value;
        break;
      case 'ts':
        if (rest === 'first') rollup.firstTimestamp = value;
        else if (rest === 'last') rollup.lastTimestamp = value;
        else corrupt(field);
        break;
      case 'step':
        if (rest !== 'max') corrupt(field);
        rollup.maxStep = value;
        break;
      case 'tok':
        // Totals stored by versions before 0.2; totals are now summed from the per-model fields.
        if (!TOKEN_PARTS.some((p) => p === rest)) corrupt(field);
        break;
      case 'tokm': {
        const [p, model] = split(rest);
        const part = TOKEN_PARTS.find((x) => x === p) ?? corrupt(field);
        getOr(models, model, emptyTokens)[part] = value;
        break;
      }
      case 'tool':
        // Totals stored by versions before 0.2; now summed from the per-tool fields.
        if (!Object.hasOwn(CALL_FIELD, rest)) corrupt(field);
        break;
      case 'toolx': {
        const [p, name] = split(rest);
        const key = CALL_FIELD[p] ?? corrupt(field);
        // Calls are successes + failures (a stored per-tool `calls` field is from before 0.2).
        if (key !== 'calls') getOr(tools, name, emptyCalls)[key] = value;
        break;
      }
      case 'sub': {
        const key = CALL_FIELD[rest] ?? corrupt(field);
        if (key !== 'calls') rollup.subAgents[key] = value;
        break;
      }
      case 'suba':
        agents.set(rest, value);
        break;
      case 'subs':
        sessions.set(rest, value);
        break;
      case 'cus': {
        const [p, name] = split(rest);
        const metric = getOr(custom, name, () => ({ count: 0, sum: 0, min: 0, max: 0 }));
        if (p === 'count' || p === 'sum' || p === 'min' || p === 'max') metric[p] = value;
        else corrupt(field);
        break;
      }
      default:
        corrupt(field);
    }
  }
  // Only per-name counters are stored; the totals are their sums.
  for (const model of models.values()) addTokens(rollup.tokens, model);
  for (const tool of tools.values()) {
    tool.calls = tool.successes + tool.failures;
    addCalls(rollup.tools, tool);
  }
  rollup.subAgents.calls = rollup.subAgents.successes + rollup.subAgents.failures;
  // Object.fromEntries defines own properties, so names like "__proto__" stay plain keys.
  rollup.tokens.byModel = Object.fromEntries(models);
  rollup.tools.byTool = Object.fromEntries(tools);
  rollup.subAgents.byAgent = Object.fromEntries(agents);
  rollup.subAgents.bySession = Object.fromEntries(sessions);
  rollup.custom = Object.fromEntries(custom);
  return rollup;
}

function addTokens(into: TokenTotals, from: TokenTotals): void {
  for (const part of TOKEN_PARTS) into[part] += from[part];
}

function addCalls(into: CallTotals, from: CallTotals): void {
  into.calls += from.calls;
  into.successes += from.successes;
  into.failures += from.failures;
  into.durationMs += from.durationMs;
}

function mergeRecord<T>(into: Record<string, T>, from: Record<string, T>, make: () => T, add: (a: T, b: T) => T): Record<string, T> {
  const out = new Map<string, T>(Object.entries(into));
  for (const [key, value] of Object.entries(from)) out.set(key, add(out.get(key) ?? make(), value));
  return Object.fromEntries(out);
}

function minOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** Adds `from` into `into` (used to fold sub-agent sessions into a parent's rollup). */
export function mergeRollup(into: UsageRollup, from: UsageRollup): void {
  into.entryCount += from.entryCount;
  into.firstTimestamp = minOf(into.firstTimestamp, from.firstTimestamp);
  into.lastTimestamp = maxOf(into.lastTimestamp, from.lastTimestamp);
  into.maxStep = maxOf(into.maxStep, from.maxStep);
  addTokens(into.tokens, from.tokens);
  into.tokens.byModel = mergeRecord(into.tokens.byModel, from.tokens.byModel, emptyTokens, (a, b) => {
    addTokens(a, b);
    return a;
  });
  addCalls(into.tools, from.tools);
  into.tools.byTool = mergeRecord(into.tools.byTool, from.tools.byTool, emptyCalls, (a, b) => {
    addCalls(a, b);
    return a;
  });
  addCalls(into.subAgents, from.subAgents);
  const sum = (a: number, b: number) => a + b;
  into.subAgents.byAgent = mergeRecord(into.subAgents.byAgent, from.subAgents.byAgent, () => 0, sum);
  into.subAgents.bySession = mergeRecord(into.subAgents.bySession, from.subAgents.bySession, () => 0, sum);
  into.custom = mergeRecord(
    into.custom,
    from.custom,
    () => ({ count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }),
    (a, b) => ({ count: a.count + b.count, sum: a.sum + b.sum, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) }),
  );
}
