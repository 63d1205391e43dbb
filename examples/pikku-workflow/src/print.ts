// Plain-text rendering of what Redis holds for a run and for the run listing.
import type { WorkflowRun } from '@pikku/core/workflow';
import type { StepRecord } from '@redstate/workflow';

function short(value: unknown, max = 60): string {
  const text = value === undefined ? '-' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0))) ?? [];
  return rows.map((r) => `  ${r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd()).join('\n');
}

export function formatHistory(run: WorkflowRun, history: readonly StepRecord[]): string {
  const header = `run ${run.id}  workflow ${run.workflow}  status ${run.status}  ${run.inline ? 'inline' : 'remote'}`;
  const rows = [['step', 'attempt', 'status', 'was scheduled', 'result / error']];
  for (const step of history) {
    const outcome = step.status === 'failed' ? `error: ${step.error?.message ?? '?'}` : short(step.result);
    rows.push([step.stepName, String(step.attemptCount), step.status, step.scheduledAt ? 'yes' : 'no', outcome]);
  }
  return `${header}\n${table(rows)}\n  output: ${short(run.output, 400)}`;
}

export function formatRuns(runs: readonly WorkflowRun[]): string {
  const rows = [['run id', 'workflow', 'status', 'mode', 'created']];
  for (const run of runs) {
    rows.push([run.id, run.workflow, run.status, run.inline ? 'inline' : 'remote', run.createdAt.toISOString()]);
  }
  return table(rows);
}
