import { describe, expect, it } from 'vitest';
import {
  clientKillScenario,
  memoryPressureScenario,
  reshardScenario,
  serverRestartScenario,
  serverUnavailableScenario,
} from './scenarios.js';
import type { Workload } from './workload.js';

/** The fault scenarios every package's workload goes through. */
export function describeFaults(workload: Workload): void {
  describe(`${workload.name}: faults`, () => {
    it('keeps every acknowledged write across SIGKILL + AOF restart', async () => {
      const { verify } = await serverRestartScenario(workload, 'rel-restart');
      expect(verify.violations).toEqual([]);
      expect(verify.lost).toEqual([]);
      expect(verify.checked).toBeGreaterThan(0);
    }, 180_000);

    it('retries after CLIENT KILL without losing or double-applying writes', async () => {
      const { verify, faults } = await clientKillScenario(workload, 'rel-kill');
      expect(faults).toBeGreaterThan(0);
      expect(verify.violations).toEqual([]);
      expect(verify.lost).toEqual([]);
    }, 180_000);

    it('refuses writes with a typed error under maxmemory and leaves no partial state', async () => {
      const outcome = await memoryPressureScenario(workload, 'rel-oom');
      expect(outcome.refusals).toBeGreaterThan(0);
      expect(outcome.untyped).toEqual([]);
      expect(outcome.verify.violations).toEqual([]);
      expect(outcome.verify.lost).toEqual([]);
    }, 180_000);

    it('loses nothing while slots migrate between cluster masters', async () => {
      const outcome = await reshardScenario(workload, 'rel-reshard');
      expect(outcome.slotsMoved).toBeGreaterThan(0);
      expect(outcome.verify.violations).toEqual([]);
      expect(outcome.verify.lost).toEqual([]);
    }, 300_000);

    it('fails every probe with a typed error while the server is down', async () => {
      const { results } = await serverUnavailableScenario(workload, 'rel-down');
      expect(Object.keys(results).length).toBeGreaterThan(0);
      // Each probe must settle with a typed error code: not hang, not resolve, not throw an untyped error.
      const bad = Object.entries(results).filter(([, outcome]) => !/^[A-Z_]+$/.test(outcome) || outcome === 'HUNG' || outcome === 'RESOLVED');
      expect(bad).toEqual([]);
    }, 120_000);
  });
}
