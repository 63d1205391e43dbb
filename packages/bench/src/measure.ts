import type { Redis } from 'ioredis';
import { serverCpuSeconds } from './cpu.ts';
import { commandsExecuted } from './round-trips.ts';
import { socketWrites } from './socket-writes.ts';

export interface MeasureOptions {
  /** Operations timed (after the warm-up). */
  readonly ops: number;
  /** Operations in flight at once. */
  readonly concurrency: number;
  readonly warmup: number;
  /** One logical operation; `i` is its sequence number. */
  readonly op: (i: number) => Promise<unknown>;
}

export interface Measurement {
  readonly opsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Server commands executed per logical operation (INFO commandstats delta / ops; includes commands run inside Lua). */
  readonly commandsPerOp: number;
  /** Requests written to the server per logical operation (a pipeline counts once). */
  readonly roundTripsPerOp: number;
  /** redis-server CPU time (user + system, every thread) per logical operation, in µs. */
  readonly serverCpuUsPerOp: number;
  /** This bench process's CPU time (user + system) per logical operation, in µs. */
  readonly clientCpuUsPerOp: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function drive(total: number, concurrency: number, offset: number, op: (i: number) => Promise<unknown>, latencies?: Float64Array): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      const start = performance.now();
      await op(offset + i);
      if (latencies) latencies[i] = performance.now() - start;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

/** Fixed number of operations at fixed concurrency, after a warm-up; counts server commands. */
export async function measure(admin: Redis, port: number, options: MeasureOptions): Promise<Measurement> {
  await drive(options.warmup, options.concurrency, 0, options.op);
  const latencies = new Float64Array(options.ops);
  const before = await commandsExecuted(admin);
  const serverCpuBefore = await serverCpuSeconds(admin);
  const writesBefore = socketWrites(port);
  const clientCpuBefore = process.cpuUsage();
  const start = performance.now();
  await drive(options.ops, options.concurrency, options.warmup, options.op, latencies);
  const elapsed = performance.now() - start;
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const writesAfter = socketWrites(port);
  const serverCpuAfter = await serverCpuSeconds(admin);
  const after = await commandsExecuted(admin);
  latencies.sort();
  const commandsPerOp = (after - before) / options.ops;
  return {
    opsPerSec: options.ops / (elapsed / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    commandsPerOp,
    roundTripsPerOp: (writesAfter - writesBefore) / options.ops,
    serverCpuUsPerOp: ((serverCpuAfter - serverCpuBefore) * 1e6) / options.ops,
    clientCpuUsPerOp: (clientCpu.user + clientCpu.system) / options.ops,
  };
}

export interface Contender {
  readonly name: string;
  readonly op: (i: number) => Promise<unknown>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Measures contenders in interleaved rounds (A B C, A B C, ...), each round timing
 * `ops / rounds` operations, and reports per contender the median round. On a shared
 * machine load drifts over seconds; interleaving spreads that drift over every contender
 * instead of charging it to whichever ran during a busy moment.
 */
export async function measureInterleaved(
  admin: Redis,
  port: number,
  contenders: readonly Contender[],
  options: Omit<MeasureOptions, 'op'> & { readonly rounds: number },
): Promise<Map<string, Measurement>> {
  const perRound = Math.ceil(options.ops / options.rounds);
  const rounds = new Map<string, Measurement[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < options.rounds; r++) {
    for (const c of contenders) {
      const warmup = r === 0 ? options.warmup : 0;
      rounds.get(c.name)?.push(await measure(admin, port, { ops: perRound, concurrency: options.concurrency, warmup, op: (i) => c.op(r * perRound + i) }));
    }
  }
  const out = new Map<string, Measurement>();
  for (const [name, ms] of rounds) {
    out.set(name, {
      opsPerSec: median(ms.map((m) => m.opsPerSec)),
      p50Ms: median(ms.map((m) => m.p50Ms)),
      p99Ms: median(ms.map((m) => m.p99Ms)),
      commandsPerOp: ms.reduce((sum, m) => sum + m.commandsPerOp, 0) / ms.length,
      roundTripsPerOp: ms.reduce((sum, m) => sum + m.roundTripsPerOp, 0) / ms.length,
      serverCpuUsPerOp: median(ms.map((m) => m.serverCpuUsPerOp)),
      clientCpuUsPerOp: median(ms.map((m) => m.clientCpuUsPerOp)),
    });
  }
  return out;
}
