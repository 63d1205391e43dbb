// Entry point: `pnpm --filter @redstate/example-helix-agent-sse start` (or `node src/main.ts`).
// Uses REDIS_URL when set, otherwise a throwaway local redis-server removed on exit.
// Listens on PORT (default 3000; 0 = any free port) and prints curl commands to try.
import { startRedis } from '@redstate/testing';
import { AgentServer, listen } from './server.ts';
import { createServices } from './services.ts';

const KEY_PREFIX = process.env.EXAMPLE_PREFIX ?? 'helix-example';

async function main(): Promise<void> {
  const redis = await startRedis();
  const client = redis.connect();
  const services = createServices(client, KEY_PREFIX);
  const app = new AgentServer(services);
  const base = await listen(app, Number(process.env.PORT ?? 3000), process.env.HOST ?? '127.0.0.1');

  console.log(`Redis: ${redis.kind === 'env' ? redis.url : `throwaway redis-server at ${redis.url}`}`);
  console.log(`Keys under "${KEY_PREFIX}:"`);
  console.log(`Listening on ${base}\n`);
  console.log('Try:');
  console.log(`  curl -N ${base}/sessions/demo/events &    # after the run starts; replays, then follows live`);
  console.log(`  curl -X POST ${base}/sessions/demo/run -H 'content-type: application/json' -d '{"prompt":"plan a trip to Lisbon"}'`);
  console.log(`  curl -N ${base}/sessions/demo/events -H 'Last-Event-ID: 5'    # only events after 5`);
  console.log(`  curl ${base}/sessions/demo    # state, usage rollup, stream info, lock`);
  console.log('Ctrl-C to stop.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await services.close();
    await client.quit().catch(() => client.disconnect());
    await redis.stop();
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`example failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
