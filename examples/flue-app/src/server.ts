import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { createAgentRouter } from '@flue/runtime/routing';
import { start } from '@flue/runtime/node';
import { flueRedis } from '@redstate/flue';
import { Hono } from 'hono';
import type { Redis } from 'ioredis';
import { VisitCounter } from './agent.ts';
import { scriptedModel } from './scripted-model.ts';

/** Where the agent's HTTP surface is mounted (a built app's `app.ts` chooses this). */
export const AGENT_MOUNT = '/agents/visit-counter';

/** The route map a built Flue app default-exports from `app.ts`. */
export function createApp(): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true }));
  app.route(AGENT_MOUNT, createAgentRouter(VisitCounter));
  return app;
}

export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * The app served over HTTP, persisting through `flueRedis`: what `node dist/server.mjs` of a
 * built app does, without the Vite build. Flue's agent router serves `POST /:id` (admission),
 * `GET /:id` (snapshot, or `view=updates` with long-poll / SSE), `POST /:id/abort`.
 */
export async function serveApp(client: Redis, keyPrefix: string, port = 0): Promise<RunningServer> {
  const flue = await start({ agents: [VisitCounter], db: flueRedis(client, { keyPrefix }), providers: [scriptedModel().provider] });
  const server = createAdaptorServer({ fetch: createApp().fetch }) as Server;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await flue.stop();
    throw error;
  }
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await flue.stop();
    },
  };
}
