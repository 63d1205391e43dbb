import { randomUUID } from 'node:crypto';
import type { WorkflowStatus } from '@pikku/core/workflow';
import { useTestRedis } from '@redstate/testing/vitest';
import { type UsageEntryInput, type UsageRollup, RedisUsageStore } from '@redstate/usage';
import { RedisWorkflowRunService, RedisWorkflowService } from '@redstate/workflow';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS, checkRounds, conn, MAX_OPS, NUM_RUNS, type Outcome, outcome, type RaceSpec } from '../src/model-check.js';
import { scale } from '../src/report.js';

const redis = useTestRedis('models-wf-usage');

/**
 * Racing rounds with up to CONNECTIONS + 2 operations, each on the connection it names: two
 * calls on one store in the same tick are coalesced by usage recordEntry (one script run for
 * both), so these rounds also check that coalescing keeps each call's own semantics; for
 * workflow they put concurrent calls on one store as well.
 */
const crowdedRounds = <Op>(op: fc.Arbitrary<Op>) =>
  fc.array(fc.array(op, { minLength: 1, maxLength: CONNECTIONS + 2 }), { minLength: 1, maxLength: scale(30, 15), size: 'medium' });
const opSequence = <Op>(op: fc.Arbitrary<Op>) => fc.array(op, { minLength: 1, maxLength: MAX_OPS, size: 'medium' });

// ---------------------------------------------------------------- workflow

const STATUSES = ['running', 'suspended', 'completed', 'failed', 'cancelled'] as const satisfies readonly WorkflowStatus[];
const TERMINAL: ReadonlySet<string> = new Set(['completed', 'failed', 'cancelled']);
/**
 * Run references: 0 and 1 = the first two runs (created by SETUP, so they gather steps and
 * transitions), 2 = the most recent run (deletes mostly hit this one), 3 = GHOST (a
 * well-formed id never issued), 4 = BOGUS (not an id of this store).
 */
const RUN_REFS = 3;
const GHOST = -1;
const BOGUS = -2;
const wire = { type: 'models' };

type StepStatus = 'pending' | 'running' | 'succeeded' | 'failed';
interface StepModel {
  name: string;
  status: StepStatus;
  attemptCount: number;
  result: number | null;
  error: string | null;
}
interface RunModel {
  workflow: string;
  input: number;
  status: WorkflowStatus;
  output: number | null;
  error: string | null;
  seq: number;
  attempts: Record<string, StepModel>;
  current: Record<string, number>;
}
/** Runs by creation number (the store's ids are random; the harness maps numbers to ids). */
type WfModel = Record<string, RunModel>;

type WfOp =
  | { kind: 'create'; conn: number; num: number; wf: string; input: number }
  | { kind: 'status'; conn: number; run: number; status: WorkflowStatus; output?: number; error?: string }
  | { kind: 'insert'; conn: number; run: number; step: string }
  | { kind: 'setStep'; conn: number; run: number; seq: number; action: 'running' | 'succeeded' | 'failed'; value?: number }
  | { kind: 'retry'; conn: number; run: number; seq: number; status: 'pending' | 'running' }
  | { kind: 'get'; conn: number; run: number }
  | { kind: 'history'; conn: number; run: number }
  | { kind: 'list'; conn: number; workflowName?: string; status?: WorkflowStatus; limit: number }
  | { kind: 'delete'; conn: number; run: number };

/** Generated before the run numbers are known: `ref` is resolved by {@link resolveWf}. */
type RawWfOp = WfOp extends infer T ? (T extends { run: number } ? Omit<T, 'run'> & { ref: number } : T extends { num: number } ? Omit<T, 'num'> : T) : never;

const wfName = fc.constantFrom('wf-a', 'wf-b');
// Mostly runs that exist, so steps and transitions pile up on a few runs.
const ref = fc.oneof({ weight: 8, arbitrary: fc.nat(RUN_REFS - 1) }, { weight: 1, arbitrary: fc.constant(RUN_REFS) }, { weight: 1, arbitrary: fc.constant(RUN_REFS + 1) });
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const rawWfOp: fc.Arbitrary<RawWfOp> = fc.oneof(
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), conn, wf: wfName, input: fc.nat(9) }) },
  {
    weight: 2,
    arbitrary: fc.record(
      { kind: fc.constant('status' as const), conn, ref, status: fc.constantFrom(...STATUSES), output: opt(fc.nat(9)), error: opt(fc.constantFrom('e1', 'e2')) },
      { requiredKeys: ['kind', 'conn', 'ref', 'status'] },
    ),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('insert' as const), conn, ref, step: fc.constantFrom('s0', 's1', 's2') }) },
  {
    weight: 4,
    arbitrary: fc.record(
      {
        kind: fc.constant('setStep' as const),
        conn,
        ref,
        seq: fc.integer({ min: 1, max: 3 }),
        action: fc.constantFrom('running' as const, 'succeeded' as const, 'failed' as const),
        value: opt(fc.nat(9)),
      },
      { requiredKeys: ['kind', 'conn', 'ref', 'seq', 'action'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('retry' as const), conn, ref, seq: fc.integer({ min: 1, max: 3 }), status: fc.constantFrom('pending' as const, 'running' as const) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('get' as const), conn, ref }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('history' as const), conn, ref }) },
  {
    weight: 1,
    arbitrary: fc.record(
      { kind: fc.constant('list' as const), conn, workflowName: opt(wfName), status: opt(fc.constantFrom(...STATUSES)), limit: fc.integer({ min: 1, max: 3 }) },
      { requiredKeys: ['kind', 'conn', 'limit'] },
    ),
  },
  // Deletes mostly hit the newest run, so the first two keep gathering steps.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), conn, ref: fc.constantFrom(RUN_REFS - 1, RUN_REFS - 1, RUN_REFS - 1, 0, RUN_REFS) }) },
);

/** Every sequence starts with three runs, so most references find one. */
const SETUP: readonly RawWfOp[] = [
  { kind: 'create', conn: 0, wf: 'wf-a', input: 1 },
  { kind: 'create', conn: 1, wf: 'wf-b', input: 2 },
  { kind: 'create', conn: 2, wf: 'wf-a', input: 3 },
];

/** Gives a create its run number and turns a reference into one (or GHOST / BOGUS), given how many runs were created before. */
function resolveWf(raw: RawWfOp, created: number): WfOp {
  if (raw.kind === 'create') return { ...raw, num: created };
  if (!('ref' in raw)) return raw;
  const { ref: r, ...rest } = raw;
  let run: number;
  if (r === RUN_REFS + 1) run = BOGUS;
  else if (r === RUN_REFS || created === 0) run = GHOST;
  else run = r === RUN_REFS - 1 ? created - 1 : Math.min(r, created - 1);
  return { ...rest, run } as WfOp;
}

const runView = (r: RunModel | undefined) =>
  r ? { workflow: r.workflow, status: r.status, input: r.input, output: r.output, error: r.error } : null;

/** Applies `o` to the model and returns what the store must answer. */
function applyWf(m: WfModel, o: WfOp): Outcome {
  if (o.kind === 'create') {
    m[o.num] = { workflow: o.wf, input: o.input, status: 'running', output: null, error: null, seq: 0, attempts: {}, current: {} };
    return { ok: undefined };
  }
  if (o.kind === 'list') {
    const nums = Object.entries(m)
      .filter(([, r]) => (!o.workflowName || r.workflow === o.workflowName) && (!o.status || r.status === o.status))
      .map(([k]) => Number(k));
    return { ok: nums.sort((a, b) => a - b) };
  }
  const r = o.run >= 0 ? m[o.run] : undefined;
  switch (o.kind) {
    case 'status':
      if (!r) return { error: 'NOT_FOUND' };
      if (TERMINAL.has(r.status)) return r.status === o.status ? { ok: undefined } : { error: 'TERMINAL_STATE' };
      r.status = o.status;
      if (o.output !== undefined) r.output = o.output;
      if (o.error !== undefined) r.error = o.error;
      else if (o.status === 'running' || o.status === 'completed') r.error = null;
      return { ok: undefined };
    case 'insert':
      if (!r) return { error: 'NOT_FOUND' };
      if (r.current[o.step] !== undefined) return { error: 'CONFLICT' };
      r.seq++;
      r.attempts[r.seq] = { name: o.step, status: 'pending', attemptCount: 1, result: null, error: null };
      r.current[o.step] = r.seq;
      return { ok: { seq: r.seq, stepName: o.step, status: 'pending', attemptCount: 1 } };
    case 'setStep': {
      if (o.run === BOGUS) return { error: 'VALIDATION' };
      const a = r?.attempts[o.seq];
      if (!a) return { error: 'NOT_FOUND' };
      if (a.status === 'succeeded' || a.status === 'failed') return { error: 'TERMINAL_STATE' };
      a.status = o.action;
      if (o.action === 'succeeded') a.result = o.value ?? null;
      if (o.action === 'failed') a.error = `boom-${o.value ?? 0}`;
      return { ok: undefined };
    }
    case 'retry': {
      // Only the step's current attempt, and only once it failed, opens a new attempt.
      if (o.run === BOGUS) return { error: 'VALIDATION' };
      const a = r?.attempts[o.seq];
      if (!r || !a) return { error: 'NOT_FOUND' };
      if (a.status !== 'failed' || r.current[a.name] !== o.seq) return { error: 'CONFLICT' };
      r.seq++;
      r.attempts[r.seq] = { name: a.name, status: o.status, attemptCount: a.attemptCount + 1, result: null, error: null };
      r.current[a.name] = r.seq;
      return { ok: { seq: r.seq, stepName: a.name, status: o.status, attemptCount: a.attemptCount + 1 } };
    }
    case 'get':
      return { ok: runView(r) };
    case 'history':
      return {
        ok: r
          ? Object.entries(r.attempts)
              .map(([seq, a]) => ({ seq: Number(seq), name: a.name, status: a.status, attemptCount: a.attemptCount, result: a.result, error: a.error }))
              .sort((x, y) => x.seq - y.seq)
          : [],
      };
    case 'delete':
      if (o.run >= 0) delete m[o.run];
      return { ok: !!r };
  }
}

/** Step ids are `<runId>.<attempt seq>`. */
const seqOf = (stepId: string) => Number(stepId.slice(stepId.lastIndexOf('.') + 1));

/** The store side: services per connection and the mapping between run numbers and run ids. */
class WfHarness {
  readonly services: RedisWorkflowService[];
  readonly runs: RedisWorkflowRunService[];
  readonly ids = new Map<number, string>();
  readonly nums = new Map<string, number>();
  /** Creates in flight, so a listing racing them can name the runs they create. */
  readonly creating = new Map<number, Promise<string>>();
  readonly ghost = `0123456789ab-${randomUUID()}`;

  constructor(clients: readonly ReturnType<typeof redis.connect>[]) {
    const keyPrefix = redis.newPrefix('wf');
    this.services = clients.map((c) => new RedisWorkflowService(c, { keyPrefix, wireQueues: false }));
    this.runs = clients.map((c) => new RedisWorkflowRunService(c, { keyPrefix }));
  }

  idOf(run: number): string {
    if (run === BOGUS) return 'bogus-run';
    if (run === GHOST) return this.ghost;
    const id = this.ids.get(run);
    if (id === undefined) throw new Error(`run ${run} used before it was created`);
    return id;
  }

  async numsOf(ids: readonly string[]): Promise<(number | string)[]> {
    await Promise.allSettled(this.creating.values());
    return ids.map((id) => this.nums.get(id) ?? `unknown ${id}`).sort((a, b) => Number(a) - Number(b));
  }

  run(o: WfOp): Promise<Outcome> {
    const service = this.services[o.conn] as RedisWorkflowService;
    const runService = this.runs[o.conn] as RedisWorkflowRunService;
    switch (o.kind) {
      case 'create':
        return outcome(async () => {
          const created = service.createRun(o.wf, o.input, false, 'graph-1', wire);
          this.creating.set(o.num, created);
          const id = await created;
          this.ids.set(o.num, id);
          this.nums.set(id, o.num);
          return undefined;
        });
      case 'status':
        return outcome(() =>
          service.updateRunStatus(this.idOf(o.run), o.status, o.output, o.error === undefined ? undefined : { message: o.error }),
        );
      case 'insert':
        return outcome(async () => {
          const s = await service.insertStepState(this.idOf(o.run), o.step, 'rpc-x', { step: o.step });
          return { seq: seqOf(s.stepId), stepName: o.step, status: s.status, attemptCount: s.attemptCount };
        });
      case 'setStep': {
        const stepId = `${this.idOf(o.run)}.${o.seq}`;
        if (o.action === 'running') return outcome(() => service.setStepRunning(stepId));
        if (o.action === 'succeeded') return outcome(() => service.setStepResult(stepId, o.value));
        return outcome(() => service.setStepError(stepId, new Error(`boom-${o.value ?? 0}`)));
      }
      case 'retry':
        return outcome(async () => {
          const s = await service.createRetryAttempt(`${this.idOf(o.run)}.${o.seq}`, o.status);
          return { seq: seqOf(s.stepId), stepName: 'stepName' in s ? s.stepName : null, status: s.status, attemptCount: s.attemptCount };
        });
      case 'get':
        return outcome(async () => {
          const r = await service.getRun(this.idOf(o.run));
          if (!r) return null;
          return { workflow: r.workflow, status: r.status, input: r.input, output: r.output ?? null, error: r.error?.message ?? null };
        });
      case 'history':
        return outcome(async () =>
          (await service.getRunHistory(this.idOf(o.run))).map((s) => ({
            seq: seqOf(s.stepId),
            name: s.stepName,
            status: s.status,
            attemptCount: s.attemptCount,
            result: s.result ?? null,
            error: s.error?.message ?? null,
          })),
        );
      case 'list':
        return outcome(async () => this.numsOf((await runService.listRuns({ workflowName: o.workflowName, status: o.status })).map((r) => r.id)));
      case 'delete':
        return outcome(() => runService.deleteRun(this.idOf(o.run)));
    }
  }
}

// ---------------------------------------------------------------- usage

/** A small pool of entry bodies, so the same id is often retried with the same body. */
const BODIES = [
  { kind: 'tokens', model: 'm1', tokens: { prompt: 3, completion: 2 } },
  { kind: 'tokens', model: 'm1', tokens: { prompt: 3, completion: 2, reasoning: 1 } },
  { kind: 'tokens', model: 'm2', tokens: { prompt: 1, completion: 0, cached: 4 } },
  { kind: 'tool', toolName: 'search', success: true, durationMs: 7 },
  { kind: 'tool', toolName: 'fetch', success: false },
] as const;
/** Explicit timestamps are small; a defaulted one (Date.now()) is always later than all of them. */
const TS_BASE = 1_000_000;
const NOW = 'now';

interface EntryModel {
  body: number;
  step: number;
  ts: number | typeof NOW;
}
/** Session id -> entry id -> entry; a session exists while it has entries. */
type UsageModel = Record<string, Record<string, EntryModel>>;

type UsageOp =
  | { kind: 'record'; conn: number; session: string; id: string; body: number; step: number; ts?: number }
  | { kind: 'rollup'; conn: number; session: string }
  | { kind: 'count'; conn: number; session: string }
  | { kind: 'exists'; conn: number; session: string }
  | { kind: 'entries'; conn: number; session: string }
  | { kind: 'delete'; conn: number; session: string }
  | { kind: 'find'; conn: number; limit: number };

const usageOp = (sessions: readonly string[], ids: readonly string[]): fc.Arbitrary<UsageOp> => {
  const session = fc.constantFrom(...sessions);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record(
        {
          kind: fc.constant('record' as const),
          conn,
          session,
          id: fc.nat(ids.length - 1),
          // Mostly the id's own body and step (so retries often match), sometimes another one.
          variant: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ body: fc.nat(BODIES.length - 1), step: fc.nat(1) }) }),
          ts: opt(fc.nat(1)),
        },
        { requiredKeys: ['kind', 'conn', 'session', 'id', 'variant'] },
      ).map(({ id, variant, ...rest }): UsageOp => ({ ...rest, id: ids[id] as string, body: variant?.body ?? (id * 3) % BODIES.length, step: variant?.step ?? id % 2 })),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('rollup' as const), conn, session }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('count' as const), conn, session }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('exists' as const), conn, session }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('entries' as const), conn, session }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), conn, session }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('find' as const), conn, limit: fc.integer({ min: 1, max: 3 }) }) },
  );
};

const later = (a: number | typeof NOW, b: number | typeof NOW) => (a === NOW ? a : b === NOW ? b : Math.max(a, b));
const earlier = (a: number | typeof NOW, b: number | typeof NOW) => (a === NOW ? b : b === NOW ? a : Math.min(a, b));

function emptyTokens() {
  return { prompt: 0, completion: 0, reasoning: 0, cached: 0, total: 0, calls: 0 };
}
function emptyCalls() {
  return { calls: 0, successes: 0, failures: 0, durationMs: 0 };
}

/** What getRollup must answer for these entries (timestamps reduced to explicit values or NOW). */
function rollupOf(entries: readonly EntryModel[]) {
  if (entries.length === 0) return null;
  const tokens = emptyTokens();
  const byModel: Record<string, ReturnType<typeof emptyTokens>> = {};
  const tools = emptyCalls();
  const byTool: Record<string, ReturnType<typeof emptyCalls>> = {};
  let first: number | typeof NOW = NOW;
  let last: number | typeof NOW = 0;
  let maxStep = 0;
  for (const e of entries) {
    const b = BODIES[e.body] as (typeof BODIES)[number];
    first = earlier(first, e.ts);
    last = later(last, e.ts);
    maxStep = Math.max(maxStep, e.step);
    if (b.kind === 'tokens') {
      const t = b.tokens as { prompt: number; completion: number; reasoning?: number; cached?: number };
      const m = byModel[b.model] ?? emptyTokens();
      byModel[b.model] = m;
      for (const into of [tokens, m]) {
        into.prompt += t.prompt;
        into.completion += t.completion;
        into.reasoning += t.reasoning ?? 0;
        into.cached += t.cached ?? 0;
        into.total += t.prompt + t.completion;
        into.calls++;
      }
    } else {
      const c = byTool[b.toolName] ?? emptyCalls();
      byTool[b.toolName] = c;
      for (const into of [tools, c]) {
        into.calls++;
        if (b.success) into.successes++;
        else into.failures++;
        into.durationMs += 'durationMs' in b ? b.durationMs : 0;
      }
    }
  }
  return { entryCount: entries.length, tokens, byModel, tools, byTool, maxStep, first, last };
}

const tsView = (t: number | null) => (t === null ? null : t >= TS_BASE * 1000 ? NOW : t);
function rollupView(r: UsageRollup | null) {
  if (!r) return null;
  const { byModel, ...tokens } = r.tokens;
  const { byTool, ...tools } = r.tools;
  return { entryCount: r.entryCount, tokens, byModel, tools, byTool, maxStep: r.maxStep, first: tsView(r.firstTimestamp), last: tsView(r.lastTimestamp) };
}

function applyUsage(m: UsageModel, o: UsageOp): Outcome {
  const s = o.kind === 'find' ? undefined : m[o.session];
  switch (o.kind) {
    case 'record': {
      const e = s?.[o.id];
      if (e) {
        const sameRest = e.body === o.body && e.step === o.step;
        // A defaulted timestamp is left out of the comparison; an explicit one must match.
        const same = o.ts === undefined ? sameRest : sameRest && e.ts === TS_BASE + o.ts;
        return same ? { ok: { id: o.id, recorded: false } } : { error: 'CONFLICT' };
      }
      const session = s ?? {};
      m[o.session] = session;
      session[o.id] = { body: o.body, step: o.step, ts: o.ts === undefined ? NOW : TS_BASE + o.ts };
      return { ok: { id: o.id, recorded: true } };
    }
    case 'rollup':
      return { ok: rollupOf(Object.values(s ?? {})) };
    case 'count':
      return { ok: Object.keys(s ?? {}).length };
    case 'exists':
      return { ok: !!s };
    case 'entries':
      return {
        ok: Object.entries(s ?? {})
          .map(([id, e]) => ({ id, kind: (BODIES[e.body] as (typeof BODIES)[number]).kind, step: e.step }))
          .sort((a, b) => (a.id < b.id ? -1 : 1)),
      };
    case 'delete':
      delete m[o.session];
      return { ok: !!s };
    case 'find':
      return { ok: Object.keys(m).sort() };
  }
}

async function runUsage(stores: readonly RedisUsageStore[], o: UsageOp, paginate: boolean): Promise<Outcome> {
  const store = stores[o.conn] as RedisUsageStore;
  switch (o.kind) {
    case 'record': {
      const entry = {
        ...BODIES[o.body],
        id: o.id,
        sessionId: o.session,
        stepCount: o.step,
        source: { type: 'agent', name: 'models' },
        ...(o.ts === undefined ? {} : { timestamp: TS_BASE + o.ts }),
      } as UsageEntryInput;
      return outcome(() => store.recordEntry(entry));
    }
    case 'rollup':
      return outcome(async () => rollupView(await store.getRollup(o.session)));
    case 'count':
      return outcome(() => store.getEntryCount(o.session));
    case 'exists':
      return outcome(() => store.exists(o.session));
    case 'entries':
      return outcome(async () =>
        (await store.getEntries(o.session)).map((e) => ({ id: e.id, kind: e.kind, step: e.stepCount })).sort((a, b) => (a.id < b.id ? -1 : 1)),
      );
    case 'delete':
      return outcome(() => store.delete(o.session));
    case 'find':
      return outcome(async () => {
        if (!paginate) return [...(await store.findSessionIds({ limit: 100 })).sessionIds].sort();
        const ids: string[] = [];
        for (let cursor: string | null | undefined; cursor !== null; ) {
          const page = await store.findSessionIds({ limit: o.limit, cursor: cursor ?? undefined });
          if (page.sessionIds.length > o.limit) throw new Error(`page of ${page.sessionIds.length} > limit ${o.limit}`);
          ids.push(...page.sessionIds);
          cursor = page.nextCursor;
        }
        return ids.sort();
      });
  }
}

// ---------------------------------------------------------------- tests

describe('models (workflow, usage): commands from 3 connections against an in-memory model', () => {
  const clients: ReturnType<typeof redis.connect>[] = [];
  beforeAll(() => {
    for (let c = 0; c < CONNECTIONS; c++) clients.push(redis.connect());
  });

  it('workflow: createRun / updateRunStatus / insertStepState / setStep* / createRetryAttempt / getRun / getRunHistory / listRunsPage / deleteRun agree with the model', async () => {
    await fc.assert(
      fc.asyncProperty(opSequence(rawWfOp), async (raws) => {
        const h = new WfHarness(clients);
        const model: WfModel = {};
        let created = 0;
        for (const [n, raw] of [...SETUP, ...raws].entries()) {
          const o = resolveWf(raw, created);
          if (o.kind === 'create') created++;
          const at = `op ${n} ${JSON.stringify(o)}`;
          if (o.kind !== 'list') {
            const got = await h.run(o);
            expect(got, at).toEqual(applyWf(model, o));
            continue;
          }
          // Listing page by page: every page within its limit, newest first, the union = the model.
          const runService = h.runs[o.conn] as RedisWorkflowRunService;
          const listed: { id: string; createdAt: number; status: string; workflow: string }[] = [];
          for (let cursor: string | null | undefined; cursor !== null; ) {
            const page = await runService.listRunsPage({ workflowName: o.workflowName, status: o.status, limit: o.limit, cursor: cursor ?? undefined });
            expect(page.runs.length, at).toBeLessThanOrEqual(o.limit);
            listed.push(...page.runs.map((r) => ({ id: r.id, createdAt: r.createdAt.getTime(), status: r.status, workflow: r.workflow })));
            cursor = page.nextCursor;
          }
          for (let k = 1; k < listed.length; k++) {
            const [a, b] = [listed[k - 1], listed[k]] as [(typeof listed)[number], (typeof listed)[number]];
            expect(a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id), `${at}: ${a.id} before ${b.id}`).toBe(true);
          }
          for (const r of listed) {
            const m = model[h.nums.get(r.id) ?? -1];
            expect({ status: r.status, workflow: r.workflow }, `${at}: listed ${r.id}`).toEqual({ status: m?.status, workflow: m?.workflow });
          }
          expect({ ok: await h.numsOf(listed.map((r) => r.id)) }, at).toEqual(applyWf(model, o));
        }
        // The listing without a filter agrees too, through the offset API.
        const all = await (h.runs[0] as RedisWorkflowRunService).listRuns({ limit: 1000 });
        expect(await h.numsOf(all.map((r) => r.id))).toEqual(Object.keys(model).map(Number).sort((a, b) => a - b));
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('usage: recordEntry (retries with the same and another body) / getRollup / getEntryCount / exists / getEntries / delete / findSessionIds agree with the model', async () => {
    const op = usageOp(['s0', 's1', 's:{2}'], ['e0', 'e1', 'e2']);
    await fc.assert(
      fc.asyncProperty(opSequence(op), async (ops) => {
        const keyPrefix = redis.newPrefix('us');
        const stores = clients.map((c) => new RedisUsageStore(c, { keyPrefix, ttlSeconds: 0 }));
        const model: UsageModel = {};
        for (const [n, o] of ops.entries()) {
          const got = await runUsage(stores, o, true);
          expect(got, `op ${n} ${JSON.stringify(o)}`).toEqual(applyUsage(model, o));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});

describe('models (workflow, usage): racing rounds, every round explained by some order of the model', () => {
  const clients: ReturnType<typeof redis.connect>[] = [];
  beforeAll(() => {
    for (let c = 0; c < CONNECTIONS; c++) clients.push(redis.connect());
  });

  it('workflow: racing createRun / updateRunStatus / insertStepState / setStep* / createRetryAttempt / getRun / getRunHistory / listRuns / deleteRun', async () => {
    // Runs are referenced by creation number; a round refers only to runs created in earlier rounds.
    const plans = crowdedRounds(rawWfOp).map((raw) => {
      let created = 0;
      return [SETUP, ...raw].map((round) => {
        const before = created;
        return round.map((o) => resolveWf(o, o.kind === 'create' ? created++ : before));
      });
    });
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const h = new WfHarness(clients);
        const spec: RaceSpec<WfModel, WfOp> = { init: () => ({}), apply: applyWf, run: (_c, o) => h.run(o) };
        await checkRounds(spec, plan);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('usage: racing recordEntry (coalesced; same id, same or another body) / getRollup / getEntryCount / exists / getEntries / delete / findSessionIds', async () => {
    const op = usageOp(['s0', 's1'], ['e0', 'e1']);
    await fc.assert(
      fc.asyncProperty(crowdedRounds(op), async (plan) => {
        const keyPrefix = redis.newPrefix('race-us');
        const stores = clients.map((c) => new RedisUsageStore(c, { keyPrefix, ttlSeconds: 0 }));
        const spec: RaceSpec<UsageModel, UsageOp> = { init: () => ({}), apply: applyUsage, run: (_c, o) => runUsage(stores, o, false) };
        await checkRounds(spec, plan);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});
