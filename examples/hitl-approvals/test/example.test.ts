import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RedisHitlState } from '@redstate/hitl';
import { onClusterTarget, useTestRedis } from '@redstate/testing/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { ApprovalEngine } from '../src/engine.ts';
import { createInboxServer, listen } from '../src/inbox-server.ts';
import { seed } from '../src/seed.ts';

interface Summary {
  id: string;
  namespace: string;
  status: string;
  batchIndex?: number;
  actionId?: string;
  createdAt: string;
}

/** The fields the tests read from the API's JSON replies (each reply has some of them). */
interface Reply {
  items: Summary[];
  nextCursor: string | null;
  requests: (Summary & { message: string })[];
  batch: Record<string, unknown>;
  entries: { message: string }[];
  result: { externalRef: string; actionId: string };
  externalIds: Record<string, string>;
  token?: string;
}

const approveDeny = [{ id: 'approve' }, { id: 'deny' }];

describe('the hitl approvals example', () => {
  const redis = useTestRedis('hitl_example');
  const servers: Server[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  // hitl table names are identifiers, so the unique test prefix becomes `examples.<prefix>`.
  const newTable = () => `examples.${redis.newPrefix().replace(/-/g, '_')}`;

  /** An engine and an inbox server on their own connection to a fresh table. */
  async function app(table = newTable()) {
    const state = new RedisHitlState(redis.connect(), { tableName: table });
    const engine = new ApprovalEngine(state);
    const resumed: string[] = [];
    const server = createInboxServer({
      state,
      onResolved: async (token) => {
        resumed.push(token);
        return engine.resume(token);
      },
    });
    servers.push(server);
    const base = await listen(server);
    const get = async (path: string) => {
      const res = await fetch(base + path);
      return { status: res.status, body: (await res.json()) as Reply };
    };
    const post = async (path: string, body: unknown) => {
      const res = await fetch(base + path, { method: 'POST', body: JSON.stringify(body) });
      return { status: res.status, body: (await res.json()) as Reply };
    };
    return { table, state, engine, resumed, base, get, post };
  }

  it('pages the inbox newest first with the cursor, per namespace and status', async () => {
    const { engine, get, post } = await app();
    const filed: string[] = [];
    for (let i = 0; i < 7; i++) {
      const ns = i % 2 === 0 ? 'payments' : 'deploys';
      filed.push((await engine.requestApproval({ threadId: `run-${i}`, channel: 'slack', namespace: ns, message: `#${i}`, actions: approveDeny })).id);
    }
    const newestFirst = [...filed].reverse();

    const walk = async (query: string, limit: number) => {
      const seen: Summary[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const page = await get(`/inbox?${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(page.status).toBe(200);
        seen.push(...page.body.items);
        sizes.push(page.body.items.length);
        cursor = page.body.nextCursor;
      } while (cursor);
      return { ids: seen.map((s) => s.id), seen, sizes };
    };

    const all = await walk('', 3);
    expect(all.ids).toEqual(newestFirst);
    expect(all.sizes).toEqual([3, 3, 1]);
    const times = all.seen.map((s) => Date.parse(s.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));

    expect((await walk('namespace=payments', 2)).ids).toEqual(newestFirst.filter((_, i) => i % 2 === 0));
    expect((await walk('namespace=deploys', 2)).ids).toEqual(newestFirst.filter((_, i) => i % 2 === 1));

    // Resolving while paging: the pending walk skips it, the resolved one lists it.
    expect((await post(`/requests/${filed[3]}/resolve`, { actionId: 'deny' })).status).toBe(200);
    expect((await walk('status=pending', 2)).ids).toEqual(newestFirst.filter((id) => id !== filed[3]));
    const resolved = await walk('status=resolved&namespace=deploys', 5);
    expect(resolved.seen).toMatchObject([{ id: filed[3], status: 'resolved', actionId: 'deny' }]);

    expect((await get('/inbox?status=archived')).status).toBe(400);
    expect((await get('/inbox?cursor=not-a-cursor')).status).toBe(400);
  });

  it('resolves once: a second resolve is 409 and changes nothing; unknown ids are 404', async () => {
    const { engine, state, resumed, post, get } = await app();
    const { id, token } = await engine.requestApproval({ threadId: 'run-a', channel: 'slack', message: 'ship?', actions: approveDeny });

    const first = await post(`/requests/${id}/resolve`, { actionId: 'approve', by: 'ana', feedbacks: { note: 'lgtm' } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ id, status: 'resolved', result: { type: 'RESOLVED', actionId: 'approve', by: 'ana', feedbacks: { note: 'lgtm' } } });
    expect(first.body.token).toBeUndefined();

    const second = await post(`/requests/${id}/resolve`, { actionId: 'deny', by: 'bo' });
    expect(second).toEqual({ status: 409, body: { error: expect.stringContaining('already resolved'), code: 'HITL_ALREADY_RESOLVED' } });
    const stored = await state.get(id);
    expect(stored?.result).toMatchObject({ actionId: 'approve', by: 'ana' });
    expect(resumed).toEqual([token]);

    expect((await post(`/requests/${id}/resolve`, { actionId: 'maybe' })).status).toBe(400);
    expect((await post('/requests/nope/resolve', { actionId: 'approve' })).status).toBe(404);
    expect((await post('/requests/nope/external-id', { externalId: 'x' })).status).toBe(404);
    expect((await get('/requests/nope')).status).toBe(404);
  });

  it('stores external ids (the Slack ts) and uses them as the result reference', async () => {
    const { engine, state, post, get } = await app();
    const { id } = await engine.requestApproval({ threadId: 'run-b', channel: 'slack', message: 'ship?', actions: approveDeny });
    expect((await post(`/requests/${id}/external-id`, { externalId: '1732356000.000100' })).body).toMatchObject({
      externalId: '1732356000.000100',
      externalIds: { slack: '1732356000.000100' },
    });
    await post(`/requests/${id}/external-id`, { externalId: 'INC-12', pluginId: 'pagerduty' });
    expect((await state.findByExternalId('1732356000.000100'))?.id).toBe(id);
    expect((await state.findByExternalId('INC-12'))?.id).toBe(id);
    expect((await get(`/requests/${id}`)).body.externalIds).toEqual({ slack: '1732356000.000100', pagerduty: 'INC-12' });
    expect((await post(`/requests/${id}/external-id`, {})).status).toBe(400);

    const done = await post(`/requests/${id}/resolve`, { actionId: 'approve' });
    expect(done.body.result.externalRef).toBe('1732356000.000100');
  });

  it('the engine resumes by token: a waiting run wakes with the answer, read from Redis', async () => {
    const { table, engine, post, get } = await app();
    const { id, token } = await engine.requestApproval({
      threadId: 'run-deploy',
      channel: 'slack',
      message: 'deploy?',
      actions: approveDeny,
      context: { version: '2.3.1' },
    });
    const woke = engine.wait(token);
    expect(await engine.resume(token)).toBeNull(); // still pending
    expect(await engine.resume('tok_unknown')).toBeNull();

    await post(`/requests/${id}/resolve`, { actionId: 'approve', by: 'ana' });
    const resumption = await woke;
    expect(resumption).toMatchObject({ token, threadId: 'run-deploy', record: { id, context: { version: '2.3.1' } }, result: { actionId: 'approve' } });

    expect(await engine.wait(token)).toBe(resumption); // a late waiter gets the same answer

    // Another engine (another process, its own connection) only needs the token; its note
    // replaces the first engine's (same entry id), so the thread shows one resumption.
    const elsewhere = new ApprovalEngine(new RedisHitlState(redis.connect(), { tableName: table }));
    expect(await elsewhere.resume(token)).toMatchObject({ record: { id, status: 'resolved' }, result: { actionId: 'approve', by: 'ana' } });

    const timeline = await get('/threads/run-deploy/timeline');
    expect(timeline.body.entries.map((e) => e.message)).toEqual([
      'asked slack: deploy?',
      `${id} resolved: approve`,
      `resumed after ${id}: approve`,
    ]);
  });

  it('files a batch: requests carry batchId and list in batchIndex order', async () => {
    const { engine, get, post } = await app();
    const { batchId, requests } = await engine.requestBatch({
      threadId: 'run-expenses',
      channel: 'slack',
      namespace: 'payments',
      message: 'expenses',
      actions: approveDeny,
      items: ['train', 'hotel', 'ticket', 'taxi'].map((message) => ({ message })),
    });
    await post(`/requests/${requests[2]?.id}/resolve`, { actionId: 'deny' });
    const batch = await get(`/batches/${batchId}`);
    expect(batch.body.batch).toMatchObject({ id: batchId, channel: 'slack', message: 'expenses', context: { threadId: 'run-expenses' } });
    expect(batch.body.requests.map((r) => [r.id, r.batchIndex, r.status])).toEqual([
      [requests[0]?.id, 0, 'pending'],
      [requests[1]?.id, 1, 'pending'],
      [requests[2]?.id, 2, 'resolved'],
      [requests[3]?.id, 3, 'pending'],
    ]);
    expect(batch.body.requests.map((r) => r.message)).toEqual(['train', 'hotel', 'ticket', 'taxi']);
    expect((await get('/batches/nope')).status).toBe(404);
  });

  it('of many clients racing to resolve one request, exactly one wins and the run resumes once', async () => {
    const table = newTable();
    // Four inbox servers, each with its own connection: like four app instances behind a balancer.
    const apps = await Promise.all([app(table), app(table), app(table), app(table)]);
    const [first] = apps;
    if (!first) throw new Error('no app');
    for (let round = 0; round < 5; round++) {
      const { id } = await first.engine.requestApproval({ threadId: `race-${round}`, channel: 'slack', message: 'go?', actions: approveDeny });
      const attempts = Array.from({ length: 12 }, (_, i) => {
        const inbox = apps[i % apps.length];
        if (!inbox) throw new Error('no app');
        return inbox.post(`/requests/${id}/resolve`, { actionId: i % 2 === 0 ? 'approve' : 'deny', by: `user-${i}` });
      });
      const replies = await Promise.all(attempts);
      const winners = replies.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(replies.filter((r) => r.status === 409)).toHaveLength(11);

      const stored = await first.state.get(id);
      expect(stored?.result).toEqual(winners[0]?.body.result);
      const timeline = await first.state.timeline(`race-${round}`);
      expect(timeline.filter((e) => e.message.includes('resolved:'))).toHaveLength(1);
      expect(timeline.filter((e) => e.message.startsWith('resumed'))).toHaveLength(1);
    }
    expect(apps.reduce((n, a) => n + a.resumed.length, 0)).toBe(5);
  });

  // The entry point gets REDIS_URL, which names the standalone server, not the cluster.
  it.skipIf(onClusterTarget())('the entry point seeds the inbox on REDIS_URL and prints curl commands', async () => {
    const table = newTable();
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, [main], {
      env: { ...process.env, REDIS_URL: redis.url, EXAMPLE_TABLE: table, PORT: '0', EXAMPLE_EXIT: '1' },
      timeout: 30_000,
    });
    const state = new RedisHitlState(redis.client, { tableName: table });
    const page = await state.list({ status: 'pending' });
    expect(page.items.map((r) => r.namespace)).toEqual(['payments', 'payments', 'payments', 'payments', 'deploys']);
    expect(await state.count({ namespace: 'payments' })).toBe(4);
    const deploy = page.items[4];
    expect(stdout).toContain(`/requests/${deploy?.id}/resolve`);
    expect(stdout).toContain(`/batches/${page.items[0]?.batchId}`);
    expect(await state.listByBatch(page.items[0]?.batchId ?? '')).toHaveLength(3);
  });

  it('seed() files what the README shows', async () => {
    const { engine, state } = await app();
    const seeded = await seed(engine);
    expect((await state.findByToken(seeded.refund.token))?.actions.map((a) => a.id)).toEqual(['approve', 'deny', 'partial']);
    expect((await state.get(seeded.deploy.id))?.context).toEqual({ service: 'api', version: '2.3.1', threadId: 'run-deploy-42' });
  });
});
