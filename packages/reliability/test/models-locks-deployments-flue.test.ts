// Model-based tests for locks, deployments and flue: random operations from 3 connections
// compared with plain in-memory models, one at a time (sequential) and racing (checkRounds).
// Every TTL is hours long, so nothing expires during a run; expiry is not modelled.
import { RedstateError } from '@redstate/core';
import { RedisDeploymentService } from '@redstate/deployments';
import { flueRedis, type RedisConversationStreamStore, type RedisSubmissionStore } from '@redstate/flue';
import { type Lock, RedisLockManager } from '@redstate/locks';
import { useTestRedis } from '@redstate/testing/vitest';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS, checkRounds, conn, MAX_OPS, NUM_RUNS, type Outcome, outcome, type RaceSpec } from '../src/model-check.js';
import { scale } from '../src/report.js';

const redis = useTestRedis('models-ldf');
const HOUR = 3_600_000;

type OpOf<A> = A extends fc.Arbitrary<infer T> ? T : never;

/**
 * Like model-check's `rounds()`, with up to `perRound` calls per round and plans drawn up to
 * their full length (fast-check's default size keeps arrays near 10 items, too short to
 * reach claims, settlements and producer handovers often).
 */
const longRounds = <Op>(op: fc.Arbitrary<Op>, perRound = CONNECTIONS) =>
  fc.array(fc.array(op, { minLength: 1, maxLength: perRound }), { minLength: 1, maxLength: scale(30, 15), size: 'max' });

/** Sequential check: each op on its own connection, answer compared with the model at once. */
async function checkSequence<M, Op extends { conn: number }>(
  spec: RaceSpec<M, Op>,
  ops: readonly Op[],
  after?: (model: M, n: number, got: Outcome) => Promise<void> | void,
  prepare?: (model: M, op: Op) => Op,
) {
  const model = spec.init();
  for (const [n, generated] of ops.entries()) {
    const o = prepare ? prepare(model, generated) : generated;
    const got = await spec.run(o.conn, o);
    const want = spec.apply(model, o);
    expect(got, `op ${n} ${JSON.stringify(o)}`).toEqual(want);
    await after?.(model, n, got);
  }
}

// ---------------------------------------------------------------------------------------------
// @redstate/locks
// ---------------------------------------------------------------------------------------------

const LOCK_KEYS = ['k0', 'k1', 'k:{2}'] as const;
/** Every caller of one semaphore key passes the same limit. */
const SEM_LIMITS: Record<string, number> = { s0: 1, s1: 2 };

const lockOpArb = fc.oneof(
  fc.record({ kind: fc.constant('acquire' as const), conn, key: fc.constantFrom(...LOCK_KEYS), owner: fc.constantFrom('w-a', 'w-b') }),
  fc.record({ kind: fc.constant('semAcquire' as const), conn, key: fc.constantFrom('s0', 's1') }),
  fc.record({ kind: fc.constant('release' as const), conn, pick: fc.nat() }),
  fc.record({ kind: fc.constant('refresh' as const), conn, pick: fc.nat() }),
  fc.record({ kind: fc.constant('isLocked' as const), conn, key: fc.constantFrom(...LOCK_KEYS) }),
  fc.record({ kind: fc.constant('getLock' as const), conn, key: fc.constantFrom(...LOCK_KEYS) }),
  fc.record({ kind: fc.constant('semCount' as const), conn, key: fc.constantFrom('s0', 's1') }),
);
type LockArbOp = OpOf<typeof lockOpArb>;
/**
 * A generated op with its place in the plan: `tag` names the lease an acquire may create;
 * release/refresh target the lease of an earlier acquire (resolved statically from the plan),
 * or nothing when no acquire came before.
 */
type LockOp = LockArbOp & { tag: string; target?: string };

interface LockModel {
  locks: Record<string, { holder: string | null; owner?: string; token?: number; counter: number }>;
  sems: Record<string, { holders: string[]; counter: number }>;
  /** Leases handed out: tag -> what it is a lease of. */
  granted: Record<string, { sem: boolean; key: string }>;
}

/** Gives every op a tag and resolves release/refresh picks to acquires of earlier rounds. */
function tagLockPlan(plan: readonly (readonly LockArbOp[])[]): LockOp[][] {
  const acquires: string[] = [];
  return plan.map((ops, r) => {
    const tagged = ops.map((o, k): LockOp => {
      const tag = `${r}.${k}`;
      if (o.kind === 'release' || o.kind === 'refresh') return { ...o, tag, target: acquires[o.pick % Math.max(1, acquires.length)] };
      return { ...o, tag };
    });
    for (const o of tagged) if (o.kind === 'acquire' || o.kind === 'semAcquire') acquires.push(o.tag);
    return tagged;
  });
}

function lockSpec(managers: readonly RedisLockManager[]): RaceSpec<LockModel, LockOp> {
  const leases = new Map<string, Lock>();
  const lockOf = (m: LockModel, key: string) => {
    m.locks[key] ??= { holder: null, counter: 0 };
    return m.locks[key];
  };
  const semOf = (m: LockModel, key: string) => {
    m.sems[key] ??= { holders: [], counter: 0 };
    return m.sems[key];
  };
  return {
    init: () => ({ locks: {}, sems: {}, granted: {} }),
    apply(m, o) {
      switch (o.kind) {
        case 'acquire': {
          const l = lockOf(m, o.key);
          if (l.holder !== null) return { ok: null };
          Object.assign(l, { holder: o.tag, owner: o.owner, token: ++l.counter });
          m.granted[o.tag] = { sem: false, key: o.key };
          return { ok: { key: o.key, owner: o.owner, token: l.counter } };
        }
        case 'semAcquire': {
          const s = semOf(m, o.key);
          if (s.holders.length >= (SEM_LIMITS[o.key] ?? 0)) return { ok: null };
          s.holders.push(o.tag);
          m.granted[o.tag] = { sem: true, key: o.key };
          return { ok: { key: o.key, owner: 'sem', token: ++s.counter } };
        }
        case 'release':
        case 'refresh': {
          const g = o.target === undefined ? undefined : m.granted[o.target];
          if (!g) return { ok: 'no lease' };
          const held = g.sem ? semOf(m, g.key).holders.includes(o.target as string) : lockOf(m, g.key).holder === o.target;
          if (o.kind === 'refresh') return held ? { ok: undefined } : { error: 'LOCK_LOST' };
          if (held && g.sem) semOf(m, g.key).holders = semOf(m, g.key).holders.filter((t) => t !== o.target);
          if (held && !g.sem) lockOf(m, g.key).holder = null;
          return { ok: held };
        }
        case 'isLocked':
          return { ok: lockOf(m, o.key).holder !== null };
        case 'getLock': {
          const l = lockOf(m, o.key);
          return { ok: l.holder === null ? null : { key: o.key, owner: l.owner, token: l.token } };
        }
        case 'semCount':
          return { ok: semOf(m, o.key).holders.length };
      }
    },
    async run(c, o) {
      const mgr = managers[c] as RedisLockManager;
      switch (o.kind) {
        case 'acquire':
          return outcome(async () => {
            const lock = await mgr.acquire(o.key, { ttlMs: HOUR, owner: o.owner });
            if (lock) leases.set(o.tag, lock);
            return lock && { key: lock.key, owner: lock.owner, token: lock.fencingToken };
          });
        case 'semAcquire':
          return outcome(async () => {
            const lease = await mgr.acquireSemaphore(o.key, SEM_LIMITS[o.key] ?? 0, { ttlMs: HOUR, owner: 'sem' });
            if (lease) leases.set(o.tag, lease);
            return lease && { key: lease.key, owner: lease.owner, token: lease.fencingToken };
          });
        case 'release':
        case 'refresh': {
          // Through the Lock object: it acts on the manager (connection) that acquired it.
          const lease = o.target === undefined ? undefined : leases.get(o.target);
          if (!lease) return { ok: 'no lease' };
          return outcome(() => (o.kind === 'release' ? lease.release() : lease.refresh(HOUR)));
        }
        case 'isLocked':
          return outcome(() => mgr.isLocked(o.key));
        case 'getLock':
          return outcome(async () => {
            const info = await mgr.getLock(o.key);
            return info && { key: info.key, owner: info.owner, token: info.fencingToken };
          });
        case 'semCount':
          return outcome(() => mgr.semaphoreCount(o.key));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// @redstate/deployments
// ---------------------------------------------------------------------------------------------

const DEPLOYMENT_IDS = ['d0', 'd1', 'd:{2}'] as const;
const FUNCTIONS = ['f0', 'f1', 'f:2'] as const;

// heartbeat/stop with a `pick` act on the instance of an earlier start (see placeDeployments).
const pick = fc.option(fc.nat(), { nil: undefined, freq: 4 });
const deploymentOpArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('start' as const),
      conn,
      id: fc.constantFrom(...DEPLOYMENT_IDS),
      endpoint: fc.constantFrom('http://h0:1', 'http://h1:1'),
      functions: fc.subarray([...FUNCTIONS]),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), conn, id: fc.constantFrom(...DEPLOYMENT_IDS), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stop' as const), conn, id: fc.constantFrom(...DEPLOYMENT_IDS), pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('find' as const), conn, fn: fc.constantFrom(...FUNCTIONS) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('list' as const), conn }) },
);
type DeploymentOp = OpOf<typeof deploymentOpArb>;

/**
 * Racing: op k of a round runs on connection k (checkRounds' convention), so no service
 * instance is used by two calls at once. A heartbeat/stop with a `pick` targets the
 * deployment of an earlier start on the same connection (sequential: of any earlier start).
 */
function placeDeployments(plan: readonly (readonly DeploymentOp[])[], racing: boolean): DeploymentOp[][] {
  const starts: { conn: number; id: string }[] = [];
  return plan.map((ops) => {
    const placed = ops.map((o, k): DeploymentOp => {
      const at = racing ? { ...o, conn: k } : o;
      if ((at.kind !== 'heartbeat' && at.kind !== 'stop') || at.pick === undefined) return at;
      const mine = starts.filter((s) => !racing || s.conn === k);
      const target = mine[at.pick % Math.max(1, mine.length)];
      return target ? { ...at, conn: target.conn, id: target.id as (typeof DEPLOYMENT_IDS)[number] } : at;
    });
    for (const o of placed) if (o.kind === 'start') starts.push({ conn: o.conn, id: o.id });
    return placed;
  });
}

interface Registration {
  endpoint: string;
  functions: string[];
}
interface DeploymentModel {
  /** What Redis holds: live deployments. */
  registry: Record<string, Registration>;
  /** What each service instance (one per connection and deployment id) was started with. */
  started: Record<string, Registration>;
  /** Op number of each deployment's last heartbeat or registration (sequential test only). */
  beat: Record<string, number>;
  clock: number;
}

const byId = (a: { deploymentId: string }, b: { deploymentId: string }) => (a.deploymentId < b.deploymentId ? -1 : a.deploymentId > b.deploymentId ? 1 : 0);

/** One service instance per (connection, deployment id): each holds at most one started deployment. */
function deploymentSpec(services: (c: number, id: string) => RedisDeploymentService, trackBeats: boolean): RaceSpec<DeploymentModel, DeploymentOp> {
  return {
    init: () => ({ registry: {}, started: {}, beat: {}, clock: 0 }),
    apply(m, o) {
      // Racing: no beat order (it would only multiply the candidate states).
      if (trackBeats) m.clock++;
      switch (o.kind) {
        case 'start': {
          const at = `${o.conn}/${o.id}`;
          if (m.started[at]) return { error: 'DEPLOYMENT_STATE' };
          const reg = { endpoint: o.endpoint, functions: [...o.functions] };
          m.started[at] = reg;
          m.registry[o.id] = structuredClone(reg);
          if (trackBeats) m.beat[o.id] = m.clock;
          return { ok: undefined };
        }
        case 'heartbeat': {
          const mine = m.started[`${o.conn}/${o.id}`];
          if (!mine) return { error: 'DEPLOYMENT_STATE' };
          // A live record with the same endpoint only gets its expiry moved (its functions stay);
          // otherwise the instance registers its own endpoint and functions again.
          if (m.registry[o.id]?.endpoint !== mine.endpoint) m.registry[o.id] = structuredClone(mine);
          if (trackBeats) m.beat[o.id] = m.clock;
          return { ok: undefined };
        }
        case 'stop': {
          const at = `${o.conn}/${o.id}`;
          if (m.started[at]) {
            delete m.registry[o.id];
            delete m.beat[o.id];
          }
          delete m.started[at];
          return { ok: undefined };
        }
        case 'find': {
          const live = Object.entries(m.registry).filter(([, r]) => r.functions.includes(o.fn));
          return { ok: live.map(([deploymentId, r]) => ({ deploymentId, endpoint: r.endpoint })).sort(byId) };
        }
        case 'list':
          return { ok: Object.entries(m.registry).map(([deploymentId, r]) => ({ deploymentId, endpoint: r.endpoint })).sort(byId) };
      }
    },
    async run(c, o) {
      switch (o.kind) {
        case 'start':
          return outcome(() => services(c, o.id).start({ deploymentId: o.id, endpoint: o.endpoint, functions: [...o.functions] }));
        case 'heartbeat':
          return outcome(() => services(c, o.id).heartbeat());
        case 'stop':
          return outcome(() => services(c, o.id).stop());
        case 'find':
          return outcome(async () => (await services(c, 'reader').findFunction(o.fn)).map((d) => ({ deploymentId: d.deploymentId, endpoint: d.endpoint })).sort(byId));
        case 'list':
          return outcome(async () => (await services(c, 'reader').listLive({ limit: 100 })).map((d) => ({ deploymentId: d.deploymentId, endpoint: d.endpoint })).sort(byId));
      }
    },
  };
}

function deploymentServices(clients: readonly ReturnType<typeof redis.connect>[], keyPrefix: string) {
  const made = new Map<string, RedisDeploymentService>();
  const get = (c: number, id: string) => {
    const at = `${c}/${id}`;
    let s = made.get(at);
    if (!s) {
      s = new RedisDeploymentService({ heartbeatInterval: HOUR, heartbeatTtl: 2 * HOUR }, clients[c] as ReturnType<typeof redis.connect>, { keyPrefix });
      made.set(at, s);
    }
    return s;
  };
  // Stops every heartbeat timer (the records go with the prefix).
  const close = async () => {
    for (const s of made.values()) await s.stop();
  };
  return { get, close };
}

// ---------------------------------------------------------------------------------------------
// @redstate/flue: submission store
// ---------------------------------------------------------------------------------------------

const ACCEPTED_AT = '2026-06-03T00:00:00.000Z';
const LEASE_UNTIL = Date.parse('2100-01-01T00:00:00.000Z');
type Submission = NonNullable<Awaited<ReturnType<RedisSubmissionStore['getSubmission']>>>;

const submissionOpArb = (ids: readonly string[], insts: readonly string[]) => {
  const id = fc.constantFrom(...ids);
  // Which claim's attempt id a settle/requeue presents: none = the latest earlier claim of the
  // same submission (its owner), a number = any earlier claim (usually stale). See tagSubmissionPlan.
  const attempt = fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() });
  // One at a time, `aim` retargets the op at a submission in a state where it can act
  // (see aimSubmission); racing ignores it.
  const aim = fc.option(fc.nat(), { nil: undefined, freq: 4 });
  // Weighted towards the steps of a submission's life, so claims and settlements happen often.
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('admit' as const), conn, id, inst: fc.constantFrom(...insts), body: fc.integer({ min: 0, max: 1 }) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('markReady' as const), conn, id, aim }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('claim' as const), conn, id, aim, owner: fc.constantFrom('o0', 'o1') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('complete' as const), conn, id, aim, attempt }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), conn, id, aim, attempt }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('requeue' as const), conn, id, aim, attempt }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('settleQueued' as const), conn, id, aim, outcome: fc.constantFrom<'failed' | 'aborted'>('failed', 'aborted') }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('abort' as const), conn, inst: fc.constantFrom(...insts) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('get' as const), conn, id }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('list' as const), conn, which: fc.constantFrom('runnable', 'unready', 'running', 'unsettled') }) },
  );
};
type SubmissionArbOp = OpOf<ReturnType<typeof submissionOpArb>>;
/** Every claim presents its own attempt id; settles and requeues present one of an earlier round's claim. */
type SubmissionOp = SubmissionArbOp & { attemptId: string };

/**
 * Sequential only (it reads the model): an op with an `aim` targets a submission in a state
 * where it applies (markReady: unready; claim: ready; settle/requeue: running; settleQueued:
 * queued), and a settle/requeue without an attempt pick presents the attempt that runs the
 * submission now, as its owner would. Racing keeps the generated id and the static attempt.
 */
function aimSubmission(m: SubmissionModel, o: SubmissionOp): SubmissionOp {
  if (!('aim' in o)) return o;
  const fits = (x: SubModel) => {
    switch (o.kind) {
      case 'markReady':
        return x.status === 'queued' && !x.ready;
      case 'claim':
        return x.status === 'queued' && x.ready;
      case 'settleQueued':
        return x.status === 'queued';
      default:
        return x.status === 'running';
    }
  };
  const candidates = Object.entries(m.subs)
    .filter(([, x]) => fits(x))
    .sort(([, a], [, b]) => a.seq - b.seq);
  const aimed = o.aim === undefined ? undefined : candidates[o.aim % Math.max(1, candidates.length)]?.[0];
  const id = aimed ?? o.id;
  if ((o.kind === 'complete' || o.kind === 'fail' || o.kind === 'requeue') && o.attempt === undefined) {
    return { ...o, id, attemptId: m.subs[id]?.attempt ?? 'x-none' };
  }
  return { ...o, id };
}

/**
 * One at a time, every claim gets its own attempt id. Racing, a claim's attempt id is its
 * owner's (`x-o0`/`x-o1`, reused across claims) and a settle/requeue presents one of the two:
 * most claims of a racing plan fail, so "the latest claim's attempt" would rarely be live.
 */
function tagSubmissionPlan(plan: readonly (readonly SubmissionArbOp[])[], racing = false): SubmissionOp[][] {
  const claims: { id: string; attemptId: string }[] = [];
  return plan.map((ops, r) => {
    const tagged = ops.map((o, k): SubmissionOp => {
      if (o.kind === 'claim') return { ...o, attemptId: racing ? `x-${o.owner}` : `x${r}.${k}` };
      if (o.kind !== 'complete' && o.kind !== 'fail' && o.kind !== 'requeue') return { ...o, attemptId: '' };
      if (racing) return { ...o, attemptId: `x-o${(o.attempt ?? 0) % 2}` };
      const pool = o.attempt === undefined ? claims.filter((c) => c.id === o.id).slice(-1) : claims;
      return { ...o, attemptId: pool[(o.attempt ?? 0) % Math.max(1, pool.length)]?.attemptId ?? 'x-none' };
    });
    for (const o of tagged) if (o.kind === 'claim') claims.push({ id: o.id, attemptId: o.attemptId });
    return tagged;
  });
}

interface SubModel {
  seq: number;
  inst: string;
  body: number;
  status: 'queued' | 'running' | 'settled';
  ready: boolean;
  attempt?: string;
  owner?: string;
  count: number;
  error?: string;
  abort: boolean;
}
interface SubmissionModel {
  seq: number;
  subs: Record<string, SubModel>;
}

/** What the tests compare of a submission (server-time stamps and leases are left out). */
function summaryOf(s: Submission) {
  const input = s.input as { id?: unknown; initialData?: { body?: unknown } };
  return {
    id: s.submissionId,
    seq: s.sequence,
    inst: input.id,
    body: input.initialData?.body,
    status: s.status,
    ready: s.canonicalReadyAt !== null,
    attempt: s.attemptId,
    owner: s.ownerId,
    count: s.attemptCount,
    error: s.error,
    abort: s.abortRequestedAt !== undefined,
  };
}

function modelSummary(id: string, s: SubModel): ReturnType<typeof summaryOf> {
  const { seq, inst, body, status, ready, attempt, owner, count, error, abort } = s;
  return { id, seq, inst, body, status, ready, attempt, owner, count, error, abort };
}

function submissionSpec(stores: readonly RedisSubmissionStore[]): RaceSpec<SubmissionModel, SubmissionOp> {
  const isHead = (m: SubmissionModel, id: string) => {
    const s = m.subs[id] as SubModel;
    return !Object.values(m.subs).some((x) => x.inst === s.inst && x.status !== 'settled' && x.seq < s.seq);
  };
  const listed = (m: SubmissionModel, keep: (id: string, s: SubModel) => boolean) =>
    Object.entries(m.subs)
      .filter(([id, s]) => keep(id, s))
      .sort(([, a], [, b]) => a.seq - b.seq)
      .map(([id, s]) => modelSummary(id, s));
  return {
    init: () => ({ seq: 0, subs: {} }),
    apply(m, o) {
      const s = 'id' in o ? m.subs[o.id] : undefined;
      switch (o.kind) {
        case 'admit': {
          if (s) return { ok: s.inst === o.inst && s.body === o.body ? { kind: 'submission', submission: modelSummary(o.id, s) } : { kind: 'conflict' } };
          const created: SubModel = { seq: ++m.seq, inst: o.inst, body: o.body, status: 'queued', ready: false, count: 0, abort: false };
          m.subs[o.id] = created;
          return { ok: { kind: 'submission', submission: modelSummary(o.id, created) } };
        }
        case 'markReady':
          if (s?.status !== 'queued') return { ok: null };
          s.ready = true;
          return { ok: modelSummary(o.id, s) };
        case 'claim':
          if (s?.status !== 'queued' || !s.ready || !isHead(m, o.id)) return { ok: null };
          Object.assign(s, { status: 'running', attempt: o.attemptId, owner: o.owner, count: s.count + 1 });
          return { ok: modelSummary(o.id, s) };
        case 'complete':
        case 'fail':
          if (s?.status !== 'running' || s.attempt !== o.attemptId) return { ok: false };
          s.status = 'settled';
          if (o.kind === 'fail') s.error = 'boom';
          return { ok: true };
        case 'requeue':
          if (s?.status !== 'running' || s.attempt !== o.attemptId) return { ok: false };
          s.status = 'queued';
          delete s.attempt;
          delete s.owner;
          return { ok: true };
        case 'settleQueued':
          if (s?.status !== 'queued') return { ok: false };
          Object.assign(s, { status: 'settled', error: `gave up: ${o.outcome}` });
          return { ok: true };
        case 'abort': {
          const hit = Object.entries(m.subs)
            .filter(([, x]) => x.inst === o.inst && (x.status === 'queued' || x.status === 'running'))
            .sort(([, a], [, b]) => a.seq - b.seq);
          for (const [, x] of hit) x.abort = true;
          return { ok: hit.map(([id]) => id) };
        }
        case 'get':
          return { ok: s ? modelSummary(o.id, s) : null };
        case 'list':
          switch (o.which) {
            case 'runnable':
              return { ok: listed(m, (id, x) => x.status === 'queued' && x.ready && isHead(m, id)) };
            case 'unready':
              return { ok: listed(m, (_, x) => x.status === 'queued' && !x.ready) };
            case 'running':
              return { ok: listed(m, (_, x) => x.status === 'running') };
            case 'unsettled':
              return { ok: Object.values(m.subs).some((x) => x.status !== 'settled') };
          }
      }
    },
    async run(c, o) {
      const store = stores[c] as RedisSubmissionStore;
      const ref = (x: { id: string; attemptId: string }) => ({ submissionId: x.id, attemptId: x.attemptId });
      switch (o.kind) {
        case 'admit':
          return outcome(async () => {
            const a = await store.admitDispatch({
              submissionId: o.id,
              agent: 'models',
              id: o.inst,
              message: { kind: 'signal', type: 'models.op', body: `b${o.body}` },
              initialData: { body: o.body },
              acceptedAt: ACCEPTED_AT,
            });
            return a.kind === 'submission' ? { kind: a.kind, submission: summaryOf(a.submission) } : { kind: a.kind };
          });
        case 'markReady':
          return outcome(async () => {
            const s = await store.markSubmissionCanonicalReady(o.id);
            return s && summaryOf(s);
          });
        case 'claim':
          return outcome(async () => {
            const s = await store.claimSubmission({ ...ref(o), ownerId: o.owner, leaseExpiresAt: LEASE_UNTIL });
            return s && summaryOf(s);
          });
        case 'complete':
          return outcome(() => store.completeSubmission(ref(o)));
        case 'fail':
          return outcome(() => store.failSubmission(ref(o), new Error('boom')));
        case 'requeue':
          return outcome(() => store.requeueSubmission(ref(o)));
        case 'settleQueued':
          return outcome(() => store.settleQueuedSubmission(o.id, o.outcome, `gave up: ${o.outcome}`));
        case 'abort':
          return outcome(() => store.requestSessionAbort(sessionKeyOf(o.inst)));
        case 'get':
          return outcome(async () => {
            const s = await store.getSubmission(o.id);
            return s && summaryOf(s);
          });
        case 'list':
          switch (o.which) {
            case 'runnable':
              return outcome(async () => (await store.listRunnableSubmissions()).map(summaryOf));
            case 'unready':
              return outcome(async () => (await store.listUnreadySubmissions()).map(summaryOf));
            case 'running':
              return outcome(async () => (await store.listRunningSubmissions()).map(summaryOf));
            case 'unsettled':
              return outcome(() => store.hasUnsettledSubmissions());
          }
      }
    },
  };
}

/** Flue's session storage key of an agent instance (learned from an admitted submission). */
const sessionKeys = new Map<string, string>();
function sessionKeyOf(inst: string): string {
  const key = sessionKeys.get(inst);
  if (!key) throw new Error(`no session key known for ${inst}`);
  return key;
}

// ---------------------------------------------------------------------------------------------
// @redstate/flue: conversation stream store
// ---------------------------------------------------------------------------------------------

type ConversationRecord = Parameters<RedisConversationStreamStore['append']>[0]['records'][number];

/** Batch `body`: one user message; read back, it must come out exactly as appended. */
function recordOf(body: number): ConversationRecord {
  return {
    v: 1,
    id: `note-${body}`,
    type: 'user_message',
    conversationId: 'conv_models',
    harness: 'default',
    session: 'default',
    timestamp: '2026-06-25T00:00:00.000Z',
    messageId: `m_${body}`,
    parentId: null,
    content: [{ type: 'text', text: `body ${body} []` }],
  } as ConversationRecord;
}

const formatOffset = (n: number) => (n === -1 ? '-1' : `${'0'.repeat(16)}_${String(n).padStart(16, '0')}`);

const streamOpArb = (paths: readonly string[]) => {
  const path = fc.constantFrom(...paths);
  return fc.oneof(
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), conn, path, inst: fc.constantFrom('i0', 'i1') }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('acquire' as const), conn, path, producer: fc.constantFrom('P0', 'P1') }) },
    {
      weight: 5,
      // Appends under the claim of an earlier acquireProducer (see tagStreamPlan).
      arbitrary: fc.record({ kind: fc.constant('append' as const), conn, pick: fc.nat(), seq: fc.constantFrom(0, 0, 1, 1, 2), body: fc.integer({ min: 0, max: 2 }) }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), conn, path, after: fc.integer({ min: -1, max: 3 }), limit: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('meta' as const), conn, path }) },
  );
};
type StreamArbOp = OpOf<ReturnType<typeof streamOpArb>>;
/** `tag` names the claim an acquire may create; an append uses the claim of an earlier round's acquire. */
type StreamOp = StreamArbOp & { tag: string; claim?: string };

function tagStreamPlan(plan: readonly (readonly StreamArbOp[])[]): StreamOp[][] {
  const acquires: string[] = [];
  return plan.map((ops, r) => {
    const tagged = ops.map((o, k): StreamOp => {
      const tag = `${r}.${k}`;
      return o.kind === 'append' ? { ...o, tag, claim: acquires[o.pick % Math.max(1, acquires.length)] } : { ...o, tag };
    });
    for (const o of tagged) if (o.kind === 'acquire') acquires.push(o.tag);
    return tagged;
  });
}

interface StreamModel {
  streams: Record<string, { inst: string; pid: string; epoch: number; nseq: number; batches: number[]; pseq: Record<string, { n: number; body: number }> }>;
  /** Producer claims handed out: acquire tag -> the claim. */
  claims: Record<string, { path: string; producer: string; epoch: number }>;
}

/** Outcome of a stream call: Flue's ConversationStreamStoreError reduced to its reason. */
async function streamOutcome(fn: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await fn() };
  } catch (error) {
    if (error instanceof Error && error.name === 'ConversationStreamStoreError') {
      return { error: `STREAM ${String((error as { meta?: { reason?: unknown } }).meta?.reason)}` };
    }
    return { error: RedstateError.isInstance(error) ? error.code : `UNTYPED ${String(error)}` };
  }
}

function streamSpec(stores: readonly RedisConversationStreamStore[]): RaceSpec<StreamModel, StreamOp> {
  const claims = new Map<string, { path: string; producerId: string; producerEpoch: number; incarnation: string }>();
  const incarnations = new Map<string, string>();
  const stale = (reason: string): Outcome => ({ error: `STREAM ${reason}` });
  return {
    init: () => ({ streams: {}, claims: {} }),
    apply(m, o) {
      if (o.kind === 'append') {
        const c = o.claim === undefined ? undefined : m.claims[o.claim];
        const s = c && m.streams[c.path];
        if (!c || !s) return { ok: 'no claim' };
        if (s.pid !== c.producer || s.epoch !== c.epoch) return stale('Producer ownership is stale.');
        const prior = s.pseq[`${c.epoch}:${o.seq}`];
        if (prior) return prior.body === o.body ? { ok: { offset: formatOffset(prior.n) } } : stale('Producer sequence has conflicting content.');
        if (s.nseq !== o.seq) return stale('Producer sequence is not the next expected value.');
        const n = s.batches.push(o.body) - 1;
        s.pseq[`${c.epoch}:${o.seq}`] = { n, body: o.body };
        s.nseq = o.seq + 1;
        return { ok: { offset: formatOffset(n) } };
      }
      const s = m.streams[o.path];
      switch (o.kind) {
        case 'create':
          if (s) return s.inst === o.inst ? { ok: undefined } : stale('Stream identity conflicts.');
          m.streams[o.path] = { inst: o.inst, pid: '', epoch: 0, nseq: 0, batches: [], pseq: {} };
          return { ok: undefined };
        case 'acquire':
          if (!s) return stale('Stream does not exist.');
          Object.assign(s, { epoch: s.epoch + 1, pid: o.producer, nseq: 0 });
          m.claims[o.tag] = { path: o.path, producer: o.producer, epoch: s.epoch };
          return { ok: { producerId: o.producer, producerEpoch: s.epoch, nextProducerSequence: 0, offset: formatOffset(s.batches.length - 1) } };
        case 'read': {
          if (!s) return { ok: { batches: [], nextOffset: '-1', upToDate: true } };
          const head = s.batches.length - 1;
          if (o.after > head) return stale('Read offset is beyond the canonical stream head.');
          const batches = s.batches.slice(o.after + 1, o.after + 1 + o.limit).map((body, i) => ({ offset: formatOffset(o.after + 1 + i), records: [recordOf(body)] }));
          return { ok: { batches, nextOffset: batches.at(-1)?.offset ?? formatOffset(o.after), upToDate: o.after + batches.length >= head } };
        }
        case 'meta':
          if (!s) return { ok: null };
          return {
            ok: {
              instanceId: s.inst,
              nextOffset: formatOffset(s.batches.length - 1),
              producerId: s.pid === '' ? null : s.pid,
              producerEpoch: s.epoch,
              nextProducerSequence: s.nseq,
            },
          };
      }
    },
    async run(c, o) {
      const store = stores[c] as RedisConversationStreamStore;
      switch (o.kind) {
        case 'create':
          return streamOutcome(() => store.createStream(o.path, { agentName: 'models', instanceId: o.inst }));
        case 'acquire':
          return streamOutcome(async () => {
            const claim = await store.acquireProducer(o.path, o.producer);
            const { producerId, producerEpoch, nextProducerSequence, offset, incarnation } = claim;
            claims.set(o.tag, { path: o.path, producerId, producerEpoch, incarnation });
            // A stream keeps its incarnation for life: every claim on it carries the same one.
            const known = incarnations.get(o.path) ?? incarnation;
            incarnations.set(o.path, known);
            return { producerId, producerEpoch, nextProducerSequence, offset, ...(known !== incarnation && { incarnation }) };
          });
        case 'append': {
          const claim = o.claim === undefined ? undefined : claims.get(o.claim);
          if (!claim) return { ok: 'no claim' };
          const records = [recordOf(o.body)];
          const { path, producerId, producerEpoch, incarnation } = claim;
          return streamOutcome(() => store.append({ path, producerId, producerEpoch, incarnation, producerSequence: o.seq, records }));
        }
        case 'read':
          return streamOutcome(async () => {
            const page = await store.read(o.path, { offset: formatOffset(o.after), limit: o.limit });
            const batches = page.batches.map((b) => ({ offset: b.offset, records: b.records }));
            return { batches, nextOffset: page.nextOffset, upToDate: page.upToDate };
          });
        case 'meta':
          return streamOutcome(async () => {
            const meta = await store.getMeta(o.path);
            if (!meta) return null;
            const { nextOffset, producerId, producerEpoch, nextProducerSequence } = meta;
            return { instanceId: meta.identity.instanceId, nextOffset, producerId, producerEpoch, nextProducerSequence };
          });
      }
    },
  };
}

async function openFlue(clients: readonly ReturnType<typeof redis.connect>[], keyPrefix: string) {
  const adapters = clients.map((client) => flueRedis(client, { keyPrefix }));
  const stores = await Promise.all(adapters.map((a) => a.connect()));
  return {
    submissions: stores.map((s) => s.submissionStore as RedisSubmissionStore),
    streams: stores.map((s) => s.conversationStreamStore as RedisConversationStreamStore),
    close: () => Promise.all(adapters.map((a) => a.close())),
  };
}

/** Learns Flue's session key of each instance once (it is derived from agent and instance id). */
async function learnSessionKeys(client: ReturnType<typeof redis.connect>, insts: readonly string[]) {
  if (insts.every((i) => sessionKeys.has(i))) return;
  const { submissions, close } = await openFlue([client], redis.newPrefix('flue-keys'));
  for (const inst of insts) {
    const a = await (submissions[0] as RedisSubmissionStore).admitDispatch({
      submissionId: `probe-${inst}`,
      agent: 'models',
      id: inst,
      message: { kind: 'signal', type: 'models.op', body: 'probe' },
      acceptedAt: ACCEPTED_AT,
    });
    if (a.kind !== 'submission') throw new Error('probe admission conflicted');
    sessionKeys.set(inst, a.submission.sessionKey);
  }
  await close();
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

describe('models (locks, deployments, flue): commands from 3 connections against an in-memory model', () => {
  const clients: ReturnType<typeof redis.connect>[] = [];
  beforeAll(async () => {
    for (let c = 0; c < CONNECTIONS; c++) clients.push(redis.connect());
    await learnSessionKeys(clients[0] as ReturnType<typeof redis.connect>, ['i0', 'i1', 'i:{1}']);
  });

  it('locks: acquire / release / refresh / isLocked / getLock / semaphores agree with the model, tokens exact', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(lockOpArb, { minLength: 1, maxLength: MAX_OPS, size: 'max' }), async (generated) => {
        const keyPrefix = redis.newPrefix('lk');
        const spec = lockSpec(clients.map((c) => new RedisLockManager(c, { keyPrefix })));
        const ops = tagLockPlan(generated.map((o) => [o])).flat();
        const tokens = new Map<string, number>();
        await checkSequence(spec, ops, (_m, n, got) => {
          // Fencing tokens handed out for one key strictly increase, whichever connection took it.
          const o = ops[n] as LockOp;
          const lease = 'ok' in got ? (got.ok as { token?: number } | null) : null;
          if ((o.kind !== 'acquire' && o.kind !== 'semAcquire') || typeof lease?.token !== 'number') return;
          const at = `${o.kind === 'acquire' ? 'lock' : 'sem'} ${o.key}`;
          expect(lease.token, `op ${n}: token of ${at}`).toBeGreaterThan(tokens.get(at) ?? 0);
          tokens.set(at, lease.token);
        });
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('deployments: start / heartbeat / stop / findFunction / listLive agree with the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(deploymentOpArb, { minLength: 1, maxLength: MAX_OPS, size: 'max' }), async (generated) => {
        const ops = placeDeployments(generated.map((o) => [o]), false).flat();
        const keyPrefix = redis.newPrefix('dp');
        const services = deploymentServices(clients, keyPrefix);
        const spec = deploymentSpec(services.get, true);
        try {
          await checkSequence(spec, ops, async (m, n) => {
            if (ops[n]?.kind !== 'list') return;
            // Paged listing: every live deployment exactly once, soonest expiry first, and the
            // expiry order follows the order of the last heartbeats.
            const reader = services.get(n % CONNECTIONS, 'reader');
            const limit = 1 + (n % 2);
            const all = [];
            for (let offset = 0; ; offset += limit) {
              const page = await reader.listLive({ offset, limit });
              expect(page.length).toBeLessThanOrEqual(limit);
              all.push(...page);
              if (page.length < limit) break;
            }
            expect(all.map((d) => d.deploymentId).sort()).toEqual(Object.keys(m.registry).sort());
            for (let k = 1; k < all.length; k++) expect((all[k]?.expiresAt ?? 0) >= (all[k - 1]?.expiresAt ?? 0), `op ${n}: expiry order`).toBe(true);
            const byBeat = [...all].sort((a, b) => (m.beat[a.deploymentId] ?? 0) - (m.beat[b.deploymentId] ?? 0));
            for (let k = 1; k < byBeat.length; k++) {
              expect((byBeat[k]?.expiresAt ?? 0) >= (byBeat[k - 1]?.expiresAt ?? 0), `op ${n}: a later heartbeat expires later`).toBe(true);
            }
          });
        } finally {
          await services.close();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('flue submissions: admit / markReady / claim / complete / fail / requeue / settleQueued / abort / listings agree with the model', async () => {
    const op = submissionOpArb(['s0', 's1', 's2', 's3', 's4', 's:{5}'], ['i0', 'i:{1}']);
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: MAX_OPS, size: 'max' }), async (ops) => {
        const flue = await openFlue(clients, redis.newPrefix('fs'));
        try {
          await checkSequence(submissionSpec(flue.submissions), tagSubmissionPlan(ops.map((o) => [o])).flat(), undefined, aimSubmission);
        } finally {
          await flue.close();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('flue streams: createStream / acquireProducer / append / read / getMeta agree with the model', async () => {
    const paths = ['agents/models/p0', 'p:{1}'];
    const op = streamOpArb(paths);
    // Most runs create a stream or two first, so producers and appends get somewhere.
    const creates = fc.array(fc.record({ kind: fc.constant('create' as const), conn, path: fc.constantFrom(...paths), inst: fc.constant('i0') }), { maxLength: 2 });
    const plans = fc.tuple(creates, fc.array(op, { minLength: 1, maxLength: MAX_OPS, size: 'max' })).map(([a, b]) => [...a, ...b]);
    await fc.assert(
      fc.asyncProperty(plans, async (ops) => {
        const flue = await openFlue(clients, redis.newPrefix('fc'));
        try {
          await checkSequence(streamSpec(flue.streams), tagStreamPlan(ops.map((o) => [o])).flat());
        } finally {
          await flue.close();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});

describe('models (locks, deployments, flue): 3 connections racing, every round explained by some order of the model', () => {
  const clients: ReturnType<typeof redis.connect>[] = [];
  beforeAll(async () => {
    for (let c = 0; c < CONNECTIONS; c++) clients.push(redis.connect());
    await learnSessionKeys(clients[0] as ReturnType<typeof redis.connect>, ['i0', 'i1', 'i:{1}']);
  });

  it('locks: racing acquire / release / refresh / getLock / semaphores, several calls per manager per tick (coalesced)', async () => {
    // Up to 4 calls per round, each on the manager its op names: calls that share a manager in
    // one round go to Redis as one coalesced lock-ops run, and must still each be explained.
    const plans = longRounds(lockOpArb, 4);
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const keyPrefix = redis.newPrefix('race-lk');
        const spec = lockSpec(clients.map((c) => new RedisLockManager(c, { keyPrefix })));
        await checkRounds({ ...spec, run: (_c, o) => spec.run(o.conn, o) }, tagLockPlan(plan));
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('deployments: racing start / heartbeat / stop / findFunction / listLive', async () => {
    await fc.assert(
      fc.asyncProperty(longRounds(deploymentOpArb), async (plan) => {
        const services = deploymentServices(clients, redis.newPrefix('race-dp'));
        const spec = deploymentSpec(services.get, false);
        try {
          await checkRounds(spec, placeDeployments(plan, true));
        } finally {
          await services.close();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('flue submissions: racing admit / markReady / claim / settle / requeue / abort / listings', async () => {
    const ids = ['s0', 's1', 's2'];
    const op = submissionOpArb(ids, ['i0', 'i1']);
    // Most plans open with a round of admissions and a round of markReady (themselves racing),
    // so claims and settlements race often; the rest is random.
    const admits = fc.array(
      // Mostly one session, so session heads decide which claims may run.
      fc.record({ kind: fc.constant('admit' as const), conn, id: fc.constantFrom(...ids), inst: fc.constantFrom('i0', 'i0', 'i1'), body: fc.constant(0) }),
      { maxLength: CONNECTIONS },
    );
    const readies = fc.array(fc.record({ kind: fc.constant('markReady' as const), conn, id: fc.constantFrom(...ids), aim: fc.constant(undefined) }), {
      maxLength: CONNECTIONS,
    });
    const plans = fc.tuple(admits, readies, longRounds(op)).map(([a, r, rest]) => [a, r, ...rest].filter((round) => round.length > 0));
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const flue = await openFlue(clients, redis.newPrefix('race-fs'));
        try {
          await checkRounds(submissionSpec(flue.submissions), tagSubmissionPlan(plan, true));
        } finally {
          await flue.close();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('flue streams: racing createStream / acquireProducer / append / read / getMeta', async () => {
    const paths = ['p0', 'p1'];
    const op = streamOpArb(paths);
    const creates = fc.array(fc.record({ kind: fc.constant('create' as const), conn, path: fc.constantFrom(...paths), inst: fc.constantFrom('i0', 'i1') }), {
      maxLength: CONNECTIONS,
    });
    const plans = fc.tuple(creates, longRounds(op)).map(([first, rest]) => (first.length > 0 ? [first, ...rest] : rest));
    await fc.assert(
      fc.asyncProperty(plans, async (plan) => {
        const flue = await openFlue(clients, redis.newPrefix('race-fc'));
        try {
          await checkRounds(streamSpec(flue.streams), tagStreamPlan(plan));
        } finally {
          await flue.close();
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});
