import { type AgentStatus, RedisStateStore } from '@redstate/agent-state';
import { RedisChannelStore } from '@redstate/channels';
import { type HumanRequestRecord, type HumanRequestStatus, RedisHitlState } from '@redstate/hitl';
import { useTestRedis } from '@redstate/testing/vitest';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIONS, checkRounds, conn, MAX_OPS, NUM_RUNS, type Outcome, outcome, type RaceSpec, rounds } from '../src/model-check.js';

const redis = useTestRedis('models');

describe('models: commands from 3 connections against an in-memory model', () => {
  const clients: ReturnType<typeof redis.connect>[] = [];
  beforeAll(() => {
    for (let c = 0; c < CONNECTIONS; c++) clients.push(redis.connect());
  });

  it('hitl: create / resolve / setExternalId / get / list / count / findBy* agree with the model', async () => {
    const id = fc.constantFrom('r0', 'r1', 'r2', 'r3', 'r4');
    const status = fc.option(fc.constantFrom<HumanRequestStatus>('pending', 'resolved'), { nil: undefined });
    const ns = fc.constantFrom('ns-a', 'ns-b');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), conn, id, token: fc.integer({ min: 0, max: 6 }), ns }),
      fc.record({ kind: fc.constant('resolve' as const), conn, id, action: fc.constantFrom('approve', 'deny') }),
      fc.record({ kind: fc.constant('setExternalId' as const), conn, id, plugin: fc.option(fc.constantFrom('approvals', 'oncall'), { nil: undefined }) }),
      fc.record({ kind: fc.constant('get' as const), conn, id }),
      fc.record({ kind: fc.constant('list' as const), conn, status, namespace: fc.option(ns, { nil: undefined }), limit: fc.integer({ min: 1, max: 4 }) }),
      fc.record({ kind: fc.constant('count' as const), conn, status, namespace: fc.option(ns, { nil: undefined }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: MAX_OPS }), async (ops) => {
        const tableName = `models_${Math.random().toString(36).slice(2)}`;
        const states = clients.map((c) => new RedisHitlState(c, { tableName }));
        interface Model {
          token: string;
          namespace: string;
          status: HumanRequestStatus;
          actionId?: string;
          externalId?: string;
          externalIds: Record<string, string>;
        }
        const model = new Map<string, Model>();
        const replaced = new Set<string>();
        const matches = (m: Model, f: { status?: HumanRequestStatus; namespace?: string }) =>
          (!f.status || m.status === f.status) && (!f.namespace || m.namespace === f.namespace);
        for (const [n, o] of ops.entries()) {
          const state = states[o.conn] as RedisHitlState;
          const at = `op ${n} ${JSON.stringify(o)}`;
          switch (o.kind) {
            case 'create': {
              const token = `tok-${o.token}`;
              const got = await outcome(() =>
                state.create({ id: o.id, token, channel: 'approvals', namespace: o.ns, message: `m ${n}`, actions: [{ id: 'approve' }] }),
              );
              let want: Outcome = { ok: undefined };
              if (model.has(o.id)) want = { error: 'HITL_DUPLICATE_ID' };
              else if ([...model.values()].some((m) => m.token === token)) want = { error: 'HITL_TOKEN_IN_USE' };
              else model.set(o.id, { token, namespace: o.ns, status: 'pending', externalIds: {} });
              expect(got, at).toEqual(want);
              break;
            }
            case 'resolve': {
              const m = model.get(o.id);
              const got = await outcome(() => state.resolve(o.id, { type: 'RESOLVED', actionId: o.action, id: o.id, externalRef: '', feedbacks: {} }));
              let want: Outcome = { ok: undefined };
              if (!m) want = { error: 'NOT_FOUND' };
              else if (m.status === 'resolved') want = { error: 'HITL_ALREADY_RESOLVED' };
              else Object.assign(m, { status: 'resolved', actionId: o.action });
              expect(got, at).toEqual(want);
              break;
            }
            case 'setExternalId': {
              const m = model.get(o.id);
              const ext = `ext-${n}`;
              const got = await outcome(() => state.setExternalId(o.id, ext, o.plugin));
              if (m) {
                const key = o.plugin ?? 'approvals';
                const old = m.externalIds[key];
                if (old) replaced.add(old);
                if (key === 'approvals' && m.externalId) replaced.add(m.externalId);
                m.externalIds[key] = ext;
                if (key === 'approvals') m.externalId = ext;
              }
              expect(got, at).toEqual(m ? { ok: undefined } : { error: 'NOT_FOUND' });
              break;
            }
            case 'get': {
              const got = await state.get(o.id);
              const m = model.get(o.id);
              if (!m) expect(got, at).toBeNull();
              else {
                expect(got, at).toMatchObject({ id: o.id, token: m.token, namespace: m.namespace, status: m.status });
                expect(got?.result?.type === 'RESOLVED' ? got.result.actionId : undefined, at).toBe(m.actionId);
                expect(got?.externalId, at).toBe(m.externalId);
                expect(got?.externalIds ?? {}, at).toEqual(m.externalIds);
              }
              break;
            }
            case 'list': {
              const filter = { status: o.status, namespace: o.namespace };
              const items: HumanRequestRecord[] = [];
              for (let cursor: string | undefined, first = true; first || cursor; first = false) {
                const page = await state.list({ ...filter, limit: o.limit, cursor });
                expect(page.items.length, at).toBeLessThanOrEqual(o.limit);
                items.push(...page.items);
                cursor = page.nextCursor;
              }
              const want = [...model.entries()].filter(([, m]) => matches(m, filter)).map(([k]) => k);
              expect(items.map((r) => r.id).sort(), at).toEqual(want.sort());
              for (let k = 1; k < items.length; k++) {
                const [a, b] = [items[k - 1] as HumanRequestRecord, items[k] as HumanRequestRecord];
                const newerFirst = a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);
                expect(newerFirst, `${at}: ${a.id} before ${b.id}`).toBe(true);
              }
              break;
            }
            case 'count': {
              const filter = { status: o.status, namespace: o.namespace };
              const want = [...model.values()].filter((m) => matches(m, filter)).length;
              expect(await state.count(filter), at).toBe(want);
              break;
            }
          }
        }
        const reader = states[0] as RedisHitlState;
        for (const [id, m] of model) {
          expect((await reader.findByToken(m.token))?.id).toBe(id);
          for (const ext of Object.values(m.externalIds)) expect((await reader.findByExternalId(ext))?.id).toBe(id);
        }
        const live = new Set([...model.values()].flatMap((m) => Object.values(m.externalIds)));
        for (const ext of replaced) if (!live.has(ext)) expect(await reader.findByExternalId(ext), `replaced ${ext}`).toBeNull();
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('channels: add / remove / setState / getState / subscribe / unsubscribe agree with the model', async () => {
    const id = fc.constantFrom('c0', 'c1', 'c2', 'c:3');
    const topic = fc.constantFrom('t0', 't1', 't{2}');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), conn, id, name: fc.constantFrom('chat', 'feed') }),
      fc.record({ kind: fc.constant('remove' as const), conn, ids: fc.subarray(['c0', 'c1', 'c2', 'c:3', 'never']) }),
      fc.record({ kind: fc.constant('setState' as const), conn, id, state: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }) }),
      fc.record({ kind: fc.constant('getState' as const), conn, id }),
      fc.record({ kind: fc.constant('getChannel' as const), conn, id }),
      fc.record({ kind: fc.constant('subscribe' as const), conn, id, topic }),
      fc.record({ kind: fc.constant('unsubscribe' as const), conn, id, topic }),
      fc.record({ kind: fc.constant('topic' as const), conn, topic }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: MAX_OPS }), async (ops) => {
        const keyPrefix = redis.newPrefix('ch');
        const stores = clients.map((c) => new RedisChannelStore(c, { keyPrefix }));
        const channels = new Map<string, { name: string; opening: number; state?: string }>();
        const subs = new Map<string, Set<string>>();
        const unsubscribeAll = (channelId: string) => {
          for (const set of subs.values()) set.delete(channelId);
        };
        for (const [n, o] of ops.entries()) {
          const store = stores[o.conn] as RedisChannelStore;
          const at = `op ${n} ${JSON.stringify(o)}`;
          switch (o.kind) {
            case 'add':
              await store.addChannel({ channelId: o.id, channelName: o.name, openingData: { n } });
              channels.set(o.id, { name: o.name, opening: n });
              unsubscribeAll(o.id);
              break;
            case 'remove':
              await store.removeChannels(o.ids);
              for (const c of o.ids) {
                channels.delete(c);
                unsubscribeAll(c);
              }
              break;
            case 'setState': {
              const m = channels.get(o.id);
              const got = await outcome(() => store.setState(o.id, o.state));
              // setState(id, undefined) is clearState, documented as a no-op on a missing channel.
              expect(got, at).toEqual(m || o.state === undefined ? { ok: undefined } : { error: 'NOT_FOUND' });
              if (m) m.state = o.state === undefined ? undefined : JSON.stringify(o.state);
              break;
            }
            case 'getState': {
              const m = channels.get(o.id);
              const got = await store.getState(o.id);
              expect(got === undefined ? undefined : JSON.stringify(got), at).toBe(m?.state);
              break;
            }
            case 'getChannel': {
              const m = channels.get(o.id);
              const got = await outcome(() => store.getChannel(o.id));
              expect(got, at).toEqual(m ? { ok: { channelId: o.id, channelName: m.name, openingData: { n: m.opening } } } : { error: 'NOT_FOUND' });
              break;
            }
            case 'subscribe': {
              expect(await store.subscribe(o.topic, o.id), at).toBe(true);
              const set = subs.get(o.topic) ?? new Set<string>();
              set.add(o.id);
              subs.set(o.topic, set);
              break;
            }
            case 'unsubscribe': {
              const had = subs.get(o.topic)?.delete(o.id) ?? false;
              expect(await store.unsubscribe(o.topic, o.id), at).toBe(had);
              break;
            }
            case 'topic': {
              const got = await store.getChannelIdsForTopic(o.topic);
              expect([...got].sort(), at).toEqual([...(subs.get(o.topic) ?? [])].sort());
              break;
            }
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('agent-state: saveState / appendMessages / compareAndSetStatus / incrementResumeCount agree with the model', async () => {
    const session = fc.constantFrom('s0', 's1', 's2');
    const status = fc.constantFrom<AgentStatus>('pending', 'running', 'paused', 'completed');
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('save' as const),
        conn,
        session,
        status,
        step: fc.integer({ min: 0, max: 3 }),
        messages: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('append' as const), conn, session, count: fc.integer({ min: 1, max: 3 }) }),
      fc.record({ kind: fc.constant('cas' as const), conn, session, expected: fc.subarray<AgentStatus>(['pending', 'running', 'paused'], { minLength: 1 }), next: status }),
      fc.record({ kind: fc.constant('resume' as const), conn, session }),
      fc.record({ kind: fc.constant('load' as const), conn, session }),
      fc.record({ kind: fc.constant('delete' as const), conn, session }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: MAX_OPS }), async (ops) => {
        const keyPrefix = redis.newPrefix('as');
        const stores = clients.map((client) => new RedisStateStore({ client, keyPrefix, ttl: 0 }));
        interface Model {
          status: AgentStatus;
          step: number;
          custom: number;
          messages: string[];
          resumeCount: number;
          version: number;
        }
        const model = new Map<string, Model>();
        for (const [n, o] of ops.entries()) {
          const store = stores[o.conn] as RedisStateStore;
          const at = `op ${n} ${JSON.stringify(o)}`;
          const m = model.get(o.session);
          switch (o.kind) {
            case 'save': {
              // The given history: the model's current one when long enough (so sync appends
              // the tail), otherwise a shorter, different array (which replaces it).
              const given =
                o.messages === undefined
                  ? undefined
                  : Array.from({ length: o.messages }, (_, k) => m?.messages[k] ?? `m-${n}-${k}`);
              const result = await store.saveState(o.session, {
                sessionId: o.session,
                agentType: 'model',
                status: o.status,
                stepCount: o.step,
                customState: { n },
                ...(given ? { messages: given.map((content) => ({ role: 'user' as const, content })) } : {}),
              });
              const prior = m?.messages ?? [];
              const messages = !given ? prior : given.length < prior.length ? given : [...prior, ...given.slice(prior.length)];
              const next = { status: o.status, step: o.step, custom: n, messages, resumeCount: m?.resumeCount ?? 0, version: (m?.version ?? 0) + 1 };
              model.set(o.session, next);
              expect(result.messageCount, at).toBe(messages.length);
              expect(result.version, at).toBe(next.version);
              break;
            }
            case 'append': {
              const added = Array.from({ length: o.count }, (_, k) => `a-${n}-${k}`);
              const got = await outcome(() => store.appendMessages(o.session, added.map((content) => ({ role: 'assistant' as const, content }))));
              if (m) m.messages.push(...added);
              expect(got, at).toEqual(m ? { ok: m.messages.length } : { error: 'NOT_FOUND' });
              break;
            }
            case 'cas': {
              const wins = !!m && o.expected.includes(m.status);
              expect(await store.compareAndSetStatus(o.session, o.expected, o.next), at).toBe(wins);
              if (m && wins) {
                m.status = o.next;
                m.version++;
              }
              break;
            }
            case 'resume': {
              const got = await outcome(() => store.incrementResumeCount(o.session));
              if (m) {
                m.resumeCount++;
                m.version++;
              }
              expect(got, at).toEqual(m ? { ok: m.resumeCount } : { error: 'NOT_FOUND' });
              break;
            }
            case 'load': {
              const got = await store.loadState(o.session);
              if (!m) expect(got, at).toBeNull();
              else {
                expect(got, at).toMatchObject({ status: m.status, stepCount: m.step, customState: { n: m.custom }, resumeCount: m.resumeCount, version: m.version });
                expect(got?.messages.map((x) => x.content), at).toEqual(m.messages);
              }
              break;
            }
            case 'delete':
              expect(await store.deleteSession(o.session), at).toBe(!!m);
              model.delete(o.session);
              break;
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});

describe('models: 3 connections racing, every round explained by some order of the model', () => {
  const clients: ReturnType<typeof redis.connect>[] = [];
  beforeAll(() => {
    for (let c = 0; c < CONNECTIONS; c++) clients.push(redis.connect());
  });

  it('hitl: racing create / resolve / setExternalId / get / count', async () => {
    const id = fc.constantFrom('r0', 'r1');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), id, token: fc.integer({ min: 0, max: 2 }) }),
      fc.record({ kind: fc.constant('resolve' as const), id, action: fc.constantFrom('approve', 'deny') }),
      fc.record({ kind: fc.constant('setExternalId' as const), id, plugin: fc.option(fc.constantFrom('approvals', 'oncall'), { nil: undefined }), ext: fc.nat() }),
      fc.record({ kind: fc.constant('get' as const), id }),
      fc.record({ kind: fc.constant('count' as const), status: fc.option(fc.constantFrom<HumanRequestStatus>('pending', 'resolved'), { nil: undefined }) }),
    );
    type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
    type Model = Record<string, { token: string; status: HumanRequestStatus; actionId?: string; externalId?: string; externalIds: Record<string, string> }>;
    await fc.assert(
      fc.asyncProperty(rounds(op), async (plan) => {
        const tableName = `race_${Math.random().toString(36).slice(2)}`;
        const states = clients.map((c) => new RedisHitlState(c, { tableName }));
        const spec: RaceSpec<Model, Op> = {
          init: () => ({}),
          apply(m, o) {
            switch (o.kind) {
              case 'create': {
                const token = `tok-${o.token}`;
                if (m[o.id]) return { error: 'HITL_DUPLICATE_ID' };
                if (Object.values(m).some((r) => r.token === token)) return { error: 'HITL_TOKEN_IN_USE' };
                m[o.id] = { token, status: 'pending', externalIds: {} };
                return { ok: undefined };
              }
              case 'resolve': {
                const r = m[o.id];
                if (!r) return { error: 'NOT_FOUND' };
                if (r.status === 'resolved') return { error: 'HITL_ALREADY_RESOLVED' };
                Object.assign(r, { status: 'resolved', actionId: o.action });
                return { ok: undefined };
              }
              case 'setExternalId': {
                const r = m[o.id];
                if (!r) return { error: 'NOT_FOUND' };
                const key = o.plugin ?? 'approvals';
                r.externalIds[key] = `ext-${o.ext}`;
                if (key === 'approvals') r.externalId = `ext-${o.ext}`;
                return { ok: undefined };
              }
              case 'get': {
                const r = m[o.id];
                return { ok: r ? { token: r.token, status: r.status, actionId: r.actionId, externalId: r.externalId, externalIds: r.externalIds } : null };
              }
              case 'count':
                return { ok: Object.values(m).filter((r) => !o.status || r.status === o.status).length };
            }
          },
          async run(c, o) {
            const state = states[c] as RedisHitlState;
            switch (o.kind) {
              case 'create':
                return outcome(() => state.create({ id: o.id, token: `tok-${o.token}`, channel: 'approvals', message: 'm', actions: [] }));
              case 'resolve':
                return outcome(() => state.resolve(o.id, { type: 'RESOLVED', actionId: o.action, id: o.id, externalRef: '', feedbacks: {} }));
              case 'setExternalId':
                return outcome(() => state.setExternalId(o.id, `ext-${o.ext}`, o.plugin));
              case 'get':
                return outcome(async () => {
                  const r = await state.get(o.id);
                  if (!r) return null;
                  const actionId = r.result?.type === 'RESOLVED' ? r.result.actionId : undefined;
                  return { token: r.token, status: r.status, actionId, externalId: r.externalId, externalIds: r.externalIds ?? {} };
                });
              case 'count':
                return outcome(() => state.count({ status: o.status }));
            }
          },
        };
        await checkRounds(spec, plan);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('channels: racing add / remove / setState / subscribe / unsubscribe / listing', async () => {
    const id = fc.constantFrom('c0', 'c1');
    const topic = fc.constantFrom('t0', 't1');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), id, name: fc.constantFrom('chat', 'feed') }),
      fc.record({ kind: fc.constant('remove' as const), id }),
      fc.record({ kind: fc.constant('setState' as const), id, state: fc.nat() }),
      fc.record({ kind: fc.constant('getState' as const), id }),
      fc.record({ kind: fc.constant('subscribe' as const), id, topic }),
      fc.record({ kind: fc.constant('unsubscribe' as const), id, topic }),
      fc.record({ kind: fc.constant('topic' as const), topic }),
    );
    type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
    interface Model {
      channels: Record<string, { name: string; state?: number }>;
      subs: Record<string, string[]>;
    }
    await fc.assert(
      fc.asyncProperty(rounds(op), async (plan) => {
        const keyPrefix = redis.newPrefix('race-ch');
        const stores = clients.map((c) => new RedisChannelStore(c, { keyPrefix }));
        const drop = (m: Model, channelId: string) => {
          for (const t of Object.keys(m.subs)) m.subs[t] = (m.subs[t] ?? []).filter((x) => x !== channelId);
        };
        const spec: RaceSpec<Model, Op> = {
          init: () => ({ channels: {}, subs: {} }),
          apply(m, o) {
            switch (o.kind) {
              case 'add':
                m.channels[o.id] = { name: o.name };
                drop(m, o.id);
                return { ok: undefined };
              case 'remove':
                delete m.channels[o.id];
                drop(m, o.id);
                return { ok: undefined };
              case 'setState': {
                const ch = m.channels[o.id];
                if (!ch) return { error: 'NOT_FOUND' };
                ch.state = o.state;
                return { ok: undefined };
              }
              case 'getState':
                return { ok: m.channels[o.id]?.state };
              case 'subscribe':
                m.subs[o.topic] = [...new Set([...(m.subs[o.topic] ?? []), o.id])].sort();
                return { ok: true };
              case 'unsubscribe': {
                const had = (m.subs[o.topic] ?? []).includes(o.id);
                m.subs[o.topic] = (m.subs[o.topic] ?? []).filter((x) => x !== o.id);
                return { ok: had };
              }
              case 'topic':
                return { ok: m.subs[o.topic] ?? [] };
            }
          },
          async run(c, o) {
            const store = stores[c] as RedisChannelStore;
            switch (o.kind) {
              case 'add':
                return outcome(() => store.addChannel({ channelId: o.id, channelName: o.name }));
              case 'remove':
                return outcome(() => store.removeChannels([o.id]));
              case 'setState':
                return outcome(() => store.setState(o.id, o.state));
              case 'getState':
                return outcome(() => store.getState(o.id));
              case 'subscribe':
                return outcome(() => store.subscribe(o.topic, o.id));
              case 'unsubscribe':
                return outcome(() => store.unsubscribe(o.topic, o.id));
              case 'topic':
                return outcome(async () => [...(await store.getChannelIdsForTopic(o.topic))].sort());
            }
          },
        };
        await checkRounds(spec, plan);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);

  it('agent-state: racing saveState / appendMessages / compareAndSetStatus / incrementResumeCount / loadState', async () => {
    const session = fc.constantFrom('s0', 's1');
    const status = fc.constantFrom<AgentStatus>('pending', 'running', 'paused');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('save' as const), session, status, step: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('append' as const), session, tag: fc.nat() }),
      fc.record({ kind: fc.constant('cas' as const), session, expected: fc.subarray<AgentStatus>(['pending', 'running', 'paused'], { minLength: 1 }), next: status }),
      fc.record({ kind: fc.constant('resume' as const), session }),
      fc.record({ kind: fc.constant('load' as const), session }),
    );
    type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;
    type Model = Record<string, { status: AgentStatus; step: number; messages: string[]; resumeCount: number; version: number }>;
    await fc.assert(
      fc.asyncProperty(rounds(op), async (plan) => {
        const keyPrefix = redis.newPrefix('race-as');
        const stores = clients.map((client) => new RedisStateStore({ client, keyPrefix, ttl: 0 }));
        const spec: RaceSpec<Model, Op> = {
          init: () => ({}),
          apply(m, o) {
            const s = m[o.session];
            switch (o.kind) {
              case 'save': {
                const next = { status: o.status, step: o.step, messages: s?.messages ?? [], resumeCount: s?.resumeCount ?? 0, version: (s?.version ?? 0) + 1 };
                m[o.session] = next;
                return { ok: { version: next.version, messageCount: next.messages.length } };
              }
              case 'append':
                if (!s) return { error: 'NOT_FOUND' };
                s.messages.push(`a-${o.tag}`);
                return { ok: s.messages.length };
              case 'cas':
                if (!s || !o.expected.includes(s.status)) return { ok: false };
                s.status = o.next;
                s.version++;
                return { ok: true };
              case 'resume':
                if (!s) return { error: 'NOT_FOUND' };
                s.version++;
                return { ok: ++s.resumeCount };
              case 'load':
                return { ok: s ? { status: s.status, step: s.step, messages: s.messages, resumeCount: s.resumeCount, version: s.version } : null };
            }
          },
          async run(c, o) {
            const store = stores[c] as RedisStateStore;
            switch (o.kind) {
              case 'save':
                return outcome(async () => {
                  const r = await store.saveState(o.session, { sessionId: o.session, agentType: 'race', status: o.status, stepCount: o.step, customState: {} });
                  return { version: r.version, messageCount: r.messageCount };
                });
              case 'append':
                return outcome(() => store.appendMessages(o.session, [{ role: 'user', content: `a-${o.tag}` }]));
              case 'cas':
                return outcome(() => store.compareAndSetStatus(o.session, o.expected, o.next));
              case 'resume':
                return outcome(() => store.incrementResumeCount(o.session));
              case 'load':
                return outcome(async () => {
                  const st = await store.loadState(o.session);
                  if (!st) return null;
                  const messages = st.messages.map((x) => String(x.content));
                  return { status: st.status, step: st.stepCount, messages, resumeCount: st.resumeCount, version: st.version };
                });
            }
          },
        };
        await checkRounds(spec, plan);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});
