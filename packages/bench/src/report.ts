import type { ScenarioResult } from './scenario.ts';

export interface Machine {
  readonly client: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly redis: string;
}

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** Markdown table: one row per result, with ratios to the peer in the same scenario and to EVALSHA. */
export function renderTable(results: readonly ScenarioResult[]): string {
  const evalsha = results.find((r) => r.subject === 'baseline' && r.scenario.startsWith('evalsha'));
  const rows = [
    '| scenario | subject | ops/s | p50 ms | p99 ms | round trips/op | server cmds/op | server CPU µs/op | client CPU µs/op | bytes/record | ours/peer | vs EVALSHA | note |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const ours = results.find((o) => o.scenario === r.scenario && o.subject === 'redstate');
    const peerRatio = r.subject !== 'redstate' && r.subject !== 'baseline' && ours ? `${fmt(ours.measurement.opsPerSec / r.measurement.opsPerSec, 2)}x` : '';
    const vsEval = evalsha ? `${fmt(r.measurement.opsPerSec / evalsha.measurement.opsPerSec, 2)}x` : '';
    const m = r.measurement;
    rows.push(
      `| ${r.scenario} | ${r.subject} | ${fmt(m.opsPerSec, m.opsPerSec < 100 ? 1 : 0)} | ${fmt(m.p50Ms, 2)} | ${fmt(m.p99Ms, 2)} | ${fmt(m.roundTripsPerOp, 2)} | ${fmt(m.commandsPerOp, 2)} | ${fmt(m.serverCpuUsPerOp, 1)} | ${fmt(m.clientCpuUsPerOp, 1)} | ${r.bytesPerRecord === undefined ? '' : fmt(r.bytesPerRecord)} | ${peerRatio} | ${vsEval} | ${r.note ?? ''} |`,
    );
  }
  return rows.join('\n');
}

export function renderMachine(m: Machine, ops: number, concurrency: number): string {
  return `Machine: ${m.cpu}, ${m.cores} cores, ${fmt(m.memoryGiB)} GiB; Node ${m.node}; Redis ${m.redis} (local, AOF everysec); every subject on ${m.client}. ${fmt(ops)} ops per scenario at concurrency ${concurrency}, after a warm-up; client and server share the machine.`;
}
