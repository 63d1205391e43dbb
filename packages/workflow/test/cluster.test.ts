import { hasTestCluster, useTestCluster } from '@redstate/testing/vitest';
import { verifyScripts } from '@redstate/core';
import { describe, expect, it } from 'vitest';
import { TerminalStateError, workflowScripts } from '../src/index.js';
import { keysFor, services, wire } from './helpers.js';

describe.runIf(hasTestCluster())('on a Redis Cluster', () => {
  const cluster = useTestCluster('wf-cluster');

  it('runs every operation without CROSSSLOT, with runs spread over several slots', async () => {
    const prefix = cluster.newPrefix();
    const { service, runs } = services(cluster.client, prefix, { partitions: 8 });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const runId = await service.createRun(i % 2 ? 'odd' : 'even', { i }, false, 'g', wire);
      ids.push(runId);
      const a = await service.insertStepState(runId, 'a', 'rpc', { i });
      await service.withStepLock(runId, 'a', () => service.setStepRunning(a.stepId));
      await service.setStepError(a.stepId, new Error('retry'));
      const b = await service.createRetryAttempt(a.stepId, 'running');
      await service.setStepResult(b.stepId, { ok: i });
      await service.setBranchTaken(b.stepId, 'left');
      await service.setStepChildRunId(b.stepId, 'child');
      await service.updateRunState(runId, 'n', i);
      await service.withRunLock(runId, () => service.updateRunStatus(runId, 'completed', { i }));
      await expect(service.updateRunStatus(runId, 'failed')).rejects.toBeInstanceOf(TerminalStateError);
      expect((await service.getRunHistory(runId)).length).toBe(2);
      expect(await service.getCompletedGraphState(runId)).toMatchObject({ completedNodeIds: ['a'], branchKeys: { a: 'left' } });
      expect(await service.getRunState(runId)).toEqual({ n: i });
    }
    const partitions = new Set(ids.map((id) => keysFor(prefix, 8).partitionOf(id)));
    expect(partitions.size).toBeGreaterThan(1);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await runs.listRunsPage({ status: 'completed', limit: 5, cursor });
      seen.push(...page.runs.map((r) => r.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect((await runs.listRuns({ workflowName: 'odd' })).length).toBe(6);
    expect(await runs.getDistinctWorkflowNames()).toEqual(['even', 'odd']);
    expect(await runs.deleteRun(ids[0]!)).toBe(true);
    await service.upsertWorkflowVersion('odd', 'h', { g: 1 }, 'dsl');
    expect(await runs.getWorkflowVersion('odd', 'h')).toEqual({ graph: { g: 1 }, source: 'dsl' });
    const pending = await service.createRun('odd', {}, false, 'g', wire);
    const step = await service.insertStepState(pending, 'p', 'rpc', {});
    const later = new Date(Date.now() + 60_000);
    const recovery = service as unknown as {
      findStalledRunIds(before: Date, limit: number): Promise<string[]>;
      findUndispatchedSteps(before: Date, limit: number): Promise<Array<{ runId: string; stepId: string }>>;
    };
    expect(await recovery.findStalledRunIds(later, 10)).toEqual([pending]);
    expect(await recovery.findUndispatchedSteps(later, 10)).toEqual([{ runId: pending, stepId: step.stepId }]);
    expect(await verifyScripts(cluster.client, workflowScripts)).toEqual([]);
  });
});
