// Entry point: `pnpm --filter @redstate/example-hitl-approvals start` (or `node src/main.ts`).
// Uses REDIS_URL when set, otherwise a throwaway local redis-server removed on exit.
// PORT picks the HTTP port (default 3000; 0 for any free port); EXAMPLE_TABLE the hitl table.
// EXAMPLE_EXIT=1 seeds, prints and exits instead of serving until Ctrl-C.
import { RedisHitlState } from '@redstate/hitl';
import { startRedis } from '@redstate/testing';
import { ApprovalEngine } from './engine.ts';
import { createInboxServer, listen } from './inbox-server.ts';
import { seed } from './seed.ts';

const TABLE = process.env.EXAMPLE_TABLE ?? 'approvals.requests';
const PORT = Number(process.env.PORT ?? 3000);

async function main(): Promise<void> {
  const redis = await startRedis();
  const client = redis.connect();
  const state = new RedisHitlState(client, { tableName: TABLE });
  await state.ensureSchema();

  const engine = new ApprovalEngine(state);
  const server = createInboxServer({ state, onResolved: (token) => engine.resume(token) });
  const base = await listen(server, PORT);

  const shutdown = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await client.quit().catch(() => client.disconnect());
    await redis.stop();
  };

  try {
    console.log(`Redis: ${redis.kind === 'env' ? redis.url : `throwaway redis-server at ${redis.url}`}, table ${TABLE}`);
    const seeded = await seed(engine);
    for (const filed of [seeded.deploy, seeded.refund, ...seeded.expenses.requests]) {
      engine.wait(filed.token).then((r) => {
        const answer = r.result.type === 'RESOLVED' ? r.result.actionId : 'timed out';
        console.log(`engine: ${r.threadId} resumed (${r.record.id} -> ${answer}, found by token)`);
      });
    }
    console.log(`Inbox API at ${base}; seeded 2 requests and a batch of ${seeded.expenses.requests.length}. Try:\n`);
    console.log(
      [
        `curl -s '${base}/inbox?status=pending&limit=2'`,
        `curl -s '${base}/inbox?status=pending&limit=2&cursor=<nextCursor from above>'`,
        `curl -s '${base}/inbox?namespace=payments'`,
        `curl -s -X POST ${base}/requests/${seeded.deploy.id}/external-id -d '{"externalId":"1732356000.000100"}'`,
        `curl -s -X POST ${base}/requests/${seeded.deploy.id}/resolve -d '{"actionId":"approve","by":"ana"}'`,
        `curl -s -X POST ${base}/requests/${seeded.deploy.id}/resolve -d '{"actionId":"deny","by":"bo"}'   # 409`,
        `curl -s ${base}/batches/${seeded.expenses.batchId}`,
        `curl -s ${base}/threads/run-deploy-42/timeline`,
      ].join('\n'),
    );
  } catch (error) {
    await shutdown();
    throw error;
  }

  if (process.env.EXAMPLE_EXIT === '1') return shutdown();
  console.log('\nCtrl-C to stop.');
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(`example failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
