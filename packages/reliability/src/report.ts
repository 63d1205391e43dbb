import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    'redstate:reliabilityReport': string;
  }
}

export interface ScenarioReport {
  readonly workload: string;
  readonly scenario: string;
  readonly faults: number;
  readonly operations: number;
  readonly checked: number;
  readonly lost: number;
  readonly violations: number;
}

/** Appends one scenario's numbers to the run's report file (printed by the global teardown). */
export function recordScenario(report: ScenarioReport): void {
  const file = inject('redstate:reliabilityReport');
  if (file) appendFileSync(file, `${JSON.stringify(report)}\n`);
}

/** Short runs in CI (REDSTATE_RELIABILITY=short), full runs otherwise. */
export function scale(full: number, short: number): number {
  return process.env.REDSTATE_RELIABILITY === 'short' ? short : full;
}
