import { RedisWorkflowRunService, RedisWorkflowService } from '@redstate/workflow';
import { describeFaults } from '../src/suite.js';
import type { VerifyResult, Workload } from '../src/workload.js';

const WORKFLOWS = 4;
const wire = { type: 'reliability' };

/**
 * Write i = create a run of workflow wf-(i % 4) and complete it. Pikku's createRun has no
 * idempotency key, so a retry after an unknown outcome may leave an extra run; the checks
 * are that every acknowledged run is stored completed with its output, and that the
 * listing indexes agree with the records (each listed run exists with the listed status).
 */
function workflowWorkload(): Workload {
  const runIds = new Map<string, Map<number, string>>();
  return {
    name: 'workflow',
    async open(client, prefix) {
      const service = new RedisWorkflowService(client, { keyPrefix: prefix });
      await service.ensureSchema();
      const runs = new RedisWorkflowRunService(client, { keyPrefix: prefix });
      const mine = runIds.get(prefix) ?? new Map<number, string>();
      runIds.set(prefix, mine);
      // A real run id: a malformed one is refused before any round trip, which proves nothing here.
      const probeRun = await service.createRun('probe', {}, false, 'graph-1', wire);
      const complete = async (name: string, i: number) => {
        const runId = await service.createRun(name, { i }, false, 'graph-1', wire);
        await service.updateRunStatus(runId, 'completed', { i });
        return runId;
      };
      return {
        async write(i) {
          mine.set(i, await complete(`wf-${i % WORKFLOWS}`, i));
        },
        async fill(i) {
          await complete('fill', i);
        },
        async verify(acked): Promise<VerifyResult> {
          const lost: number[] = [];
          const violations: string[] = [];
          for (const i of acked) {
            const id = mine.get(i);
            const run = id ? await service.getRun(id) : null;
            if (!run) lost.push(i);
            else if (run.status !== 'completed' || JSON.stringify(run.output) !== JSON.stringify({ i })) {
              violations.push(`run ${id}: status ${run.status}, output ${JSON.stringify(run.output)}`);
            }
          }
          const listed = new Set<string>();
          for (let w = 0; w < WORKFLOWS; w++) {
            for (let cursor: string | null | undefined; cursor !== null; ) {
              const page = await runs.listRunsPage({ workflowName: `wf-${w}`, status: 'completed', limit: 500, cursor: cursor ?? undefined });
              for (const run of page.runs) {
                listed.add(run.id);
                if (run.status !== 'completed') violations.push(`run ${run.id} listed as completed but is ${run.status}`);
              }
              cursor = page.nextCursor;
            }
          }
          for (const i of acked) {
            const id = mine.get(i);
            if (id && !listed.has(id)) violations.push(`run ${id} missing from the completed listing`);
          }
          return { checked: acked.length, lost, violations };
        },
        probes() {
          return {
            createRun: () => service.createRun('probe', {}, false, 'graph-1', wire),
            getRun: () => service.getRun(probeRun),
            getRunHistory: () => service.getRunHistory(probeRun),
            listRunsPage: () => runs.listRunsPage({ limit: 10 }),
            listRuns: () => runs.listRuns({ limit: 10 }),
          };
        },
      };
    },
  };
}

describeFaults(workflowWorkload());
