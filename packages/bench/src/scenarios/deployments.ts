import { RedisDeploymentService as PikkuDeploymentService } from '@pikku/redis';
import { RedisDeploymentService } from '@redstate/deployments';
import { measure } from '../measure.ts';
import type { BenchContext, Scenario, ScenarioResult } from '../scenario.ts';

/** Deployments heartbeating at once, each serving the same functions. */
const DEPLOYMENTS = 8;
const functions = Array.from({ length: 10 }, (_, i) => `fn${i}`);
/** Long intervals: the services' own timers stay quiet while the bench drives heartbeats. */
const config = { heartbeatInterval: 60_000, heartbeatTtl: 180_000 };

interface Beating {
  heartbeat(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One heartbeat of a registered deployment (what each process does every interval), round
 * robin over 8 deployments serving 10 functions each.
 */
export const deployments: Scenario = {
  name: 'deployments',
  async run(ctx: BenchContext): Promise<ScenarioResult[]> {
    const opts = { ops: ctx.ops, concurrency: ctx.concurrency, warmup: Math.ceil(ctx.ops / 10) };
    const scenario = `deployment heartbeat (${functions.length} functions)`;
    const started: Array<{ stop(): Promise<void> }> = [];
    try {
      const client = ctx.connect();
      const oursPrefix = ctx.prefix('deployments');
      const ours: Beating[] = [];
      for (let d = 0; d < DEPLOYMENTS; d++) {
        const service = new RedisDeploymentService(config, client, { keyPrefix: oursPrefix });
        await service.start({ deploymentId: `d-${d}`, endpoint: `http://10.0.0.${d}:3000`, functions });
        started.push(service);
        ours.push(service);
      }
      const redstate = await measure(ctx.admin, ctx.port, { ...opts, op: (i) => ours[i % DEPLOYMENTS]!.heartbeat() });

      // @pikku/redis bundles ioredis 5: each service gets the URL and owns its connection.
      // Its heartbeat is the private timer callback `sendHeartbeat`, called here directly.
      const peerPrefix = ctx.prefix('pikku-deployments');
      const peers: Beating[] = [];
      for (let d = 0; d < DEPLOYMENTS; d++) {
        const service = new PikkuDeploymentService(config, ctx.url, peerPrefix);
        await service.init();
        await service.start({ deploymentId: `d-${d}`, endpoint: `http://10.0.0.${d}:3000`, functions });
        started.push(service);
        const beat = service as unknown as { sendHeartbeat(): Promise<void> };
        peers.push({ heartbeat: () => beat.sendHeartbeat(), stop: () => service.stop() });
      }
      const peer = await measure(ctx.admin, ctx.port, { ...opts, op: (i) => peers[i % DEPLOYMENTS]!.heartbeat() });
      return [
        { scenario, subject: 'redstate', measurement: redstate, note: 'one script; also sweeps expired deployments' },
        { scenario, subject: '@pikku/redis', measurement: peer, note: 'private sendHeartbeat(); one connection per deployment' },
      ];
    } finally {
      // stop() unregisters; @pikku/redis also closes the connection it opened.
      await Promise.all(started.map((s) => s.stop().catch(() => undefined)));
    }
  },
};
