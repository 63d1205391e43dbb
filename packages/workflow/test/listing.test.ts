import { useTestRedis } from '@redstate/testing/vitest';
import { ValidationError } from '@redstate/core';
import { describe, expect, it } from 'vitest';
import { keysFor, services, wire } from './helpers.js';

describe('run listing', () => {
  const redis = useTestRedis('wf-listing');

  it('pages newest first through every run with a cursor, across partitions', async () => {
    const prefix = redis.newPrefix();
    const { service, runs } = services(redis.client, prefix, { partitions: 4 });
    const created: string[] = [];
    for (let i = 0; i < 23; i++) created.push(await service.createRun(i % 3 === 0 ? 'alpha' : 'beta', { i }, false, 'g', wire));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await runs.listRunsPage({ limit: 5, cursor });
      expect(page.runs.length).toBeLessThanOrEqual(5);
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(new Set(seen).size).toBe(23);
    expect(new Set(seen)).toEqual(new Set(created));
    const all = await runs.listRuns({ limit: 100 });
    for (let i = 1; i < all.length; i++) expect(all[i - 1]!.createdAt.getTime()).toBeGreaterThanOrEqual(all[i]!.createdAt.getTime());
    expect(all.map((r) => r.id)).toEqual(seen);
    // offset pagination agrees with the cursor order
    expect((await runs.listRuns({ limit: 4, offset: 6 })).map((r) => r.id)).toEqual(seen.slice(6, 10));
  });

  it('filters by workflow name, status and both', async () => {
    const prefix = redis.newPrefix();
    const { service, runs } = services(redis.client, prefix, { partitions: 3 });
    const a1 = await service.createRun('alpha', {}, false, 'g', wire);
    const a2 = await service.createRun('alpha', {}, false, 'g', wire);
    const b1 = await service.createRun('beta', {}, false, 'g', wire);
    await service.updateRunStatus(a1, 'completed', 1);
    await service.updateRunStatus(b1, 'completed', 1);
    await service.updateRunStatus(a2, 'suspended');
    const ids = async (o: { workflowName?: string; status?: string }) => new Set((await runs.listRuns(o)).map((r) => r.id));
    expect(await ids({ workflowName: 'alpha' })).toEqual(new Set([a1, a2]));
    expect(await ids({ status: 'completed' })).toEqual(new Set([a1, b1]));
    expect(await ids({ workflowName: 'alpha', status: 'completed' })).toEqual(new Set([a1]));
    expect(await ids({ workflowName: 'alpha', status: 'suspended' })).toEqual(new Set([a2]));
    expect(await ids({ status: 'running' })).toEqual(new Set());
    expect(await ids({ workflowName: 'gamma' })).toEqual(new Set());
    expect(await runs.getDistinctWorkflowNames()).toEqual(['alpha', 'beta']);
    expect(await runs.deleteRun(b1)).toBe(true);
    expect(await runs.deleteRun(b1)).toBe(false);
    expect(await runs.getDistinctWorkflowNames()).toEqual(['alpha']);
    expect(await ids({ status: 'completed' })).toEqual(new Set([a1]));
    expect(await runs.getRun(b1)).toBeNull();
  });

  it('rejects bad listing input', async () => {
    const { runs } = services(redis.client, redis.newPrefix());
    await expect(runs.listRunsPage({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    await expect(runs.listRunsPage({ limit: 5000 })).rejects.toBeInstanceOf(ValidationError);
    await expect(runs.listRunsPage({ cursor: 'garbage' })).rejects.toBeInstanceOf(ValidationError);
    await expect(runs.listRunsPage({ status: 'weird' })).rejects.toBeInstanceOf(ValidationError);
    await expect(runs.listRuns({ offset: -1 })).rejects.toBeInstanceOf(ValidationError);
  });

  it('expires finished runs after finishedRunTtlMs and drops their index entries when listed', async () => {
    const prefix = redis.newPrefix();
    const { service, runs } = services(redis.client, prefix, { partitions: 2, finishedRunTtlMs: 60_000 });
    const done = await service.createRun('ttl', {}, false, 'g', wire);
    const live = await service.createRun('ttl', {}, false, 'g', wire);
    const step = await service.insertStepState(done, 's', 'rpc', {});
    await service.updateRunStatus(done, 'completed', 'ok');
    await service.setStepResult(step.stepId, 1);
    await service.updateRunState(done, 'k', 1);
    const keys = keysFor(prefix, 2).run(done);
    for (const key of [keys.run, keys.steps, keys.current, keys.state]) {
      const ttl = await redis.client.pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    expect(await redis.client.pttl(keysFor(prefix, 2).run(live).run)).toBe(-1);
    const idx = keysFor(prefix, 2).indexesOfRun(done);
    const digest = done.slice(0, 12);
    const before = await redis.client.zrange(idx.workflow(digest), '0', '-1');
    expect(before.some((m) => m.endsWith(done))).toBe(true);
    // Simulate the expiry instead of waiting for it.
    await redis.client.del(keys.run, keys.steps, keys.current, keys.state);
    const listed = await runs.listRunsPage({ workflowName: 'ttl', limit: 10 });
    expect(listed.runs.map((r) => r.id)).toEqual([live]);
    const left = await redis.client.zrange(idx.workflow(digest), '0', '-1');
    expect(left.some((m) => m.endsWith(done))).toBe(false);
  });
});
