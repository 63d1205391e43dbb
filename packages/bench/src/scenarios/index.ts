import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';

/**
 * A scenario whose module (and the package it measures) loads when it runs, so a package
 * whose dist is missing or mid-rebuild fails only its own scenario.
 */
function lazy(name: string, load: () => Promise<Scenario>): Scenario {
  return {
    name,
    async run(ctx: BenchContext): Promise<ScenarioResult[]> {
      return (await load()).run(ctx);
    },
  };
}

/** Every scenario, in the order they run. */
export const scenarios: readonly Scenario[] = [
  lazy('baseline', async () => (await import('./baseline.ts')).baseline),
  lazy('locks', async () => (await import('./locks.ts')).locks),
  lazy('channels', async () => (await import('./channels.ts')).channels),
  lazy('workflow', async () => (await import('./workflow.ts')).workflow),
  lazy('usage', async () => (await import('./usage.ts')).usage),
  lazy('agent-state', async () => (await import('./agent-state.ts')).agentState),
  lazy('hitl', async () => (await import('./hitl.ts')).hitl),
  lazy('flue', async () => (await import('./flue.ts')).flue),
  lazy('deployments', async () => (await import('./deployments.ts')).deployments),
];
