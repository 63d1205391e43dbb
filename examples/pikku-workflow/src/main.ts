// Entry point: `pnpm --filter @redstate/example-pikku-workflow start` (or `node src/main.ts`).
// Uses REDIS_URL when set, otherwise a throwaway local redis-server that is removed at the end.
import { startRedis } from '@redstate/testing';
import { RedisWorkflowRunService } from '@redstate/workflow';
import type { Redis } from 'ioredis';
import { ORDER_WORKFLOW } from './order-workflow.ts';
import { formatHistory, formatRuns } from './print.ts';
import { runInline, runRemote } from './run-order.ts';

const KEY_PREFIX = process.env.EXAMPLE_PREFIX ?? 'pikku-example';

async function keysOf(client: Redis, runId: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${KEY_PREFIX}:*${runId}*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

async function main(): Promise<void> {
  const server = await startRedis();
  const client = server.connect();
  try {
    console.log(`Redis: ${server.kind === 'env' ? server.url : `throwaway redis-server at ${server.url}`}`);
    console.log(`Workflow keys under "${KEY_PREFIX}:", BullMQ keys under "${KEY_PREFIX}-bull:"\n`);

    console.log('1. Inline mode: the run executes inside startWorkflow(), no queue');
    const inline = await runInline(client, KEY_PREFIX, { orderId: 'A-100', sku: 'mug', qty: 2, express: false });
    console.log(`${formatHistory(inline.run, inline.history)}\n`);

    console.log('2. Remote mode: BullMQ orchestrator and step workers on the same Redis');
    const remote = await runRemote(client, server.url, KEY_PREFIX, { orderId: 'B-200', sku: 'teapot', qty: 1, express: true });
    console.log(formatHistory(remote.run, remote.history));
    console.log(`  BullMQ job attempts: ${JSON.stringify(remote.workers.processed)}, failed: ${JSON.stringify(remote.workers.failed)}`);
    console.log(`  its keys (SCAN, for display only; the services never scan):\n${(await keysOf(client, remote.runId)).map((k) => `    ${k}`).join('\n')}\n`);

    console.log(`3. Run listing (RedisWorkflowRunService.listRunsPage, workflow ${ORDER_WORKFLOW}, newest first)`);
    const runs = new RedisWorkflowRunService(client, { keyPrefix: KEY_PREFIX });
    const page = await runs.listRunsPage({ workflowName: ORDER_WORKFLOW, limit: 10 });
    console.log(formatRuns(page.runs));
    console.log(page.nextCursor ? `  (more: cursor ${page.nextCursor})` : '  (no more pages)');
    const completed = await runs.listRuns({ workflowName: ORDER_WORKFLOW, status: 'completed' });
    console.log(`  completed runs of ${ORDER_WORKFLOW}: ${completed.length}`);
  } finally {
    await client.quit().catch(() => client.disconnect());
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`example failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
