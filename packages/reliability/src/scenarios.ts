import { RedstateError } from '@redstate/core';
import { startRedis, startRedisCluster } from '@redstate/testing';
import { driveWrites } from './drive.js';
import { recordScenario, scale } from './report.js';
import { reshardOccupiedSlots } from './reshard.js';
import type { VerifyResult, Workload } from './workload.js';

export interface ScenarioOutcome {
  readonly verify: VerifyResult;
  readonly faults: number;
  readonly operations: number;
}

function record(workload: Workload, scenario: string, outcome: ScenarioOutcome): void {
  recordScenario({
    workload: workload.name,
    scenario,
    faults: outcome.faults,
    operations: outcome.operations,
    checked: outcome.verify.checked,
    lost: outcome.verify.lost.length,
    violations: outcome.verify.violations.length,
  });
}

/**
 * SIGKILL the server (appendfsync always) several times during a write-heavy run; after each
 * restart every acknowledged write must be there and the indexes must agree with the records.
 */
export async function serverRestartScenario(workload: Workload, prefix: string): Promise<ScenarioOutcome> {
  const server = await startRedis({ useEnv: false, appendfsync: 'always' });
  const rounds = scale(3, 1);
  const perRound = scale(1500, 300);
  const acked: number[] = [];
  let operations = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const client = server.connect({ maxRetriesPerRequest: 0, retryStrategy: () => null });
      const session = await workload.open(client, prefix);
      const base = round * perRound;
      let killed = false;
      const run = driveWrites({
        total: perRound,
        concurrency: 8,
        retry: false,
        write: (i) => session.write(base + i),
        onAck: (n) => {
          if (!killed && n >= perRound / 3) {
            killed = true;
            void server.kill('SIGKILL');
          }
        },
      });
      const result = await run;
      operations += result.acked.length + result.failures;
      acked.push(...result.acked.map((i) => base + i));
      client.disconnect();
      await server.start();
    }
    const checker = server.connect();
    try {
      const session = await workload.open(checker, prefix);
      const verify = await session.verify(acked);
      const outcome = { verify, faults: rounds, operations };
      record(workload, 'server SIGKILL + AOF restart', outcome);
      return outcome;
    } finally {
      checker.disconnect();
    }
  } finally {
    await server.stop();
  }
}

/** CLIENT KILL the store's connections mid-run; failed writes are retried and must not double-apply. */
export async function clientKillScenario(workload: Workload, prefix: string): Promise<ScenarioOutcome> {
  const server = await startRedis({ useEnv: false });
  const total = scale(3000, 600);
  const client = server.connect({ maxRetriesPerRequest: 1 });
  const admin = server.connect();
  let faults = 0;
  try {
    const session = await workload.open(client, prefix);
    let done = false;
    const killer = (async () => {
      while (!done) {
        await new Promise((r) => setTimeout(r, 15));
        if (done) break;
        const killedClients = Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes'));
        faults += killedClients;
      }
    })();
    const result = await driveWrites({ total, concurrency: 8, retry: true, write: (i) => session.write(i) });
    done = true;
    await killer;
    const verify = await session.verify(result.acked);
    const all = Array.from({ length: total }, (_, i) => i);
    const missingAck = all.filter((i) => !result.acked.includes(i));
    const outcome = {
      verify: { ...verify, lost: [...verify.lost, ...missingAck] },
      faults,
      operations: result.acked.length + result.failures,
    };
    record(workload, 'CLIENT KILL mid-operation, retried', outcome);
    return outcome;
  } finally {
    client.disconnect();
    admin.disconnect();
    await server.stop();
  }
}

/**
 * A small maxmemory with noeviction: writes start failing with a typed error, and the records
 * written before still verify (no half-written entity breaks an index).
 */
export async function memoryPressureScenario(
  workload: Workload,
  prefix: string,
): Promise<ScenarioOutcome & { readonly refusals: number; readonly untyped: readonly string[] }> {
  const server = await startRedis({ useEnv: false, args: ['--maxmemory', '3mb', '--maxmemory-policy', 'noeviction'] });
  const client = server.connect({ maxRetriesPerRequest: 0 });
  try {
    const session = await workload.open(client, prefix);
    const acked: number[] = [];
    const untyped: string[] = [];
    let refusals = 0;
    let operations = 0;
    const attempt = async (op: () => Promise<void>): Promise<boolean> => {
      operations++;
      try {
        await op();
        return true;
      } catch (error) {
        refusals++;
        if (!RedstateError.isInstance(error)) untyped.push(error instanceof Error ? error.message : String(error));
        return false;
      }
    };
    const writes = scale(100, 30);
    for (let i = 0; i < writes; i++) if (await attempt(() => session.write(i))) acked.push(i);
    const refusedBefore = refusals;
    for (let i = 0; refusals - refusedBefore < 10 && i < 1_000_000; i++) await attempt(() => session.fill(i));
    for (let i = writes; i < writes * 2; i++) if (await attempt(() => session.write(i))) acked.push(i);
    await client.config('SET', 'maxmemory', '0');
    const verify = await session.verify(acked);
    const outcome = { verify, faults: refusals, operations, refusals, untyped };
    record(workload, 'maxmemory + noeviction', outcome);
    return outcome;
  } finally {
    client.disconnect();
    await server.stop();
  }
}

/** Every probe against a stopped server settles with a typed error; none hangs. */
export async function serverUnavailableScenario(
  workload: Workload,
  prefix: string,
): Promise<{ readonly results: Record<string, string> }> {
  const server = await startRedis({ useEnv: false });
  const client = server.connect({ maxRetriesPerRequest: 1, commandTimeout: 1000, connectTimeout: 1000, retryStrategy: () => 200 });
  try {
    const session = await workload.open(client, prefix);
    await server.kill('SIGKILL');
    const results: Record<string, string> = {};
    for (const [name, probe] of Object.entries(session.probes())) {
      const hang = new Promise<string>((resolve) => setTimeout(() => resolve('HUNG'), 10_000).unref());
      results[name] = await Promise.race([
        probe().then(
          () => 'RESOLVED',
          (error: unknown) => (RedstateError.isInstance(error) ? error.code : `UNTYPED ${String(error)}`),
        ),
        hang,
      ]);
    }
    recordScenario({
      workload: workload.name,
      scenario: 'server down',
      faults: 1,
      operations: Object.keys(results).length,
      checked: Object.keys(results).length,
      lost: 0,
      violations: Object.values(results).filter((r) => r === 'HUNG' || r.startsWith('UNTYPED') || r === 'RESOLVED').length,
    });
    return { results };
  } finally {
    client.disconnect();
    await server.stop();
  }
}

/** Slot migration (resharding) on a real 3-master cluster while writes run: nothing is lost. */
export async function reshardScenario(workload: Workload, prefix: string): Promise<ScenarioOutcome & { readonly slotsMoved: number }> {
  const cluster = await startRedisCluster();
  const client = cluster.connect({ retryDelayOnTryAgain: 20, retryDelayOnMoved: 5 });
  try {
    const session = await workload.open(client, prefix);
    const seedWrites = scale(600, 200);
    const first = await driveWrites({ total: seedWrites, concurrency: 8, retry: true, write: (i) => session.write(i) });
    let done = false;
    const migrating = (async () => {
      const seed = cluster.nodes[0];
      if (!seed) throw new Error('cluster has no nodes');
      return reshardOccupiedSlots(seed, () => done);
    })();
    const during = await driveWrites({
      total: scale(1500, 400),
      concurrency: 8,
      retry: true,
      write: (i) => session.write(seedWrites + i),
    });
    const slotsMoved = await migrating;
    done = true;
    const acked = [...first.acked, ...during.acked.map((i) => seedWrites + i)];
    const verify = await session.verify(acked);
    const outcome = {
      verify,
      faults: slotsMoved,
      operations: first.acked.length + first.failures + during.acked.length + during.failures,
      slotsMoved,
    };
    record(workload, 'cluster resharding during writes', outcome);
    return outcome;
  } finally {
    client.disconnect();
    await cluster.stop();
  }
}
