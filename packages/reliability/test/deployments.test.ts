import { type LiveDeployment, RedisDeploymentService } from '@redstate/deployments';
import { describeFaults } from '../src/suite.js';
import type { VerifyResult, Workload } from '../src/workload.js';

const FUNCTIONS = 4;
// Heartbeats never fire during a run: liveness here comes from start/stop alone.
const config = { heartbeatInterval: 600_000, heartbeatTtl: 1_200_000 };

const endpointOf = (i: number) => `http://10.0.${i % 250}.1:3000/d-${i}`;
const functionsOf = (i: number) => [`f-${i % FUNCTIONS}`, 'shared'];
/** Every third deployment is stopped after it started: it must vanish from every index. */
const isDead = (i: number) => i % 3 === 0;

/**
 * Write i = a fresh service starts deployment d-i serving f-(i % 4) and `shared`; when i % 3
 * is 0 it stops it again. start replaces an earlier record of the same id, so a retry (on a
 * new service instance) converges. Invariants: each acknowledged live deployment is listed by
 * listLive with its endpoint and found by each of its functions; no stopped one is listed or
 * found; every deployment a function index returns is in the live set and serves it.
 */
function deploymentsWorkload(): Workload {
  return {
    name: 'deployments',
    async open(client, prefix) {
      const options = { keyPrefix: prefix, onHeartbeatError: () => {} };
      const reader = new RedisDeploymentService(config, client, options);
      await reader.ensureSchema();
      const run = async (deploymentId: string, endpoint: string, functions: string[], stop: boolean) => {
        const service = new RedisDeploymentService(config, client, options);
        await service.start({ deploymentId, endpoint, functions });
        if (stop) await service.stop();
      };
      return {
        async write(i) {
          await run(`d-${i}`, endpointOf(i), functionsOf(i), isDead(i));
        },
        async fill(i) {
          await run(`fill-${i}`, `http://fill/${'x'.repeat(200)}/${i}`, ['fill'], false);
        },
        async verify(acked): Promise<VerifyResult> {
          const lost: number[] = [];
          const violations: string[] = [];
          const live = new Map<string, LiveDeployment>();
          for (let offset = 0; ; ) {
            const page = await reader.listLive({ offset, limit: 1000 });
            for (const d of page) {
              if (live.has(d.deploymentId)) violations.push(`listLive returns ${d.deploymentId} twice`);
              live.set(d.deploymentId, d);
            }
            if (page.length < 1000) break;
            offset += page.length;
          }
          const byFunction = new Map<string, Set<string>>();
          for (const name of [...Array.from({ length: FUNCTIONS }, (_, f) => `f-${f}`), 'shared']) {
            const found = await reader.findFunction(name);
            const ids = new Set(found.map((d) => d.deploymentId));
            byFunction.set(name, ids);
            for (const d of found) {
              if (!live.has(d.deploymentId)) violations.push(`${name}: finds ${d.deploymentId}, which is not live`);
              const n = Number(d.deploymentId.slice(2));
              if (d.deploymentId.startsWith('d-') && !functionsOf(n).includes(name)) violations.push(`${name}: finds ${d.deploymentId}`);
            }
          }
          for (const i of acked) {
            const id = `d-${i}`;
            const entry = live.get(id);
            if (isDead(i)) {
              if (entry) violations.push(`${id} was stopped but is listed live`);
              for (const [name, ids] of byFunction) if (ids.has(id)) violations.push(`${id} was stopped but ${name} finds it`);
              continue;
            }
            if (!entry) {
              lost.push(i);
              continue;
            }
            if (entry.endpoint !== endpointOf(i)) violations.push(`${id}: endpoint ${entry.endpoint}`);
            for (const name of functionsOf(i)) if (!byFunction.get(name)?.has(id)) violations.push(`${id}: not found by ${name}`);
          }
          return { checked: acked.length, lost, violations };
        },
        probes() {
          return {
            start: () => new RedisDeploymentService(config, client, options).start({ deploymentId: 'probe', endpoint: 'http://probe', functions: ['p'] }),
            findFunction: () => reader.findFunction('shared'),
            listLive: () => reader.listLive({ limit: 10 }),
            sweepExpired: () => reader.sweepExpired(10),
            ensureSchema: () => new RedisDeploymentService(config, client, options).ensureSchema(),
          };
        },
      };
    },
  };
}

describeFaults(deploymentsWorkload());
