import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScenarioReport } from './report.js';

/** Creates the report file the scenarios append to and prints the totals at the end of the run. */
export default function setup(project: { provide(key: 'redstate:reliabilityReport', value: string): void }): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'redstate-reliability-'));
  const file = join(dir, 'report.jsonl');
  project.provide('redstate:reliabilityReport', file);
  return () => {
    const rows: ScenarioReport[] = existsSync(file)
      ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ScenarioReport)
      : [];
    const sum = (k: keyof ScenarioReport) => rows.reduce((n, r) => n + Number(r[k]), 0);
    const lines = [
      '',
      'Reliability report',
      `  scenarios run:       ${rows.length}`,
      `  faults injected:     ${sum('faults')}`,
      `  operations run:      ${sum('operations')}`,
      `  writes checked:      ${sum('checked')}`,
      `  lost writes:         ${sum('lost')}`,
      `  invariant failures:  ${sum('violations')}`,
      ...rows.map((r) => `  - ${r.workload} / ${r.scenario}: faults ${r.faults}, ops ${r.operations}, checked ${r.checked}, lost ${r.lost}, violations ${r.violations}`),
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
