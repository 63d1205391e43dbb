// Entry point: `pnpm --filter @redstate/example-flue-app start` (or `node src/main.ts`).
// Uses REDIS_URL when set, otherwise a throwaway local redis-server that is removed at the end.
// EXAMPLE_PREFIX sets the adapter's keyPrefix, EXAMPLE_INSTANCE the agent instance id.
// EXAMPLE_SERVE=1 keeps the HTTP app running on PORT (default 3000) at the end, until Ctrl-C.
import { startRedis } from '@redstate/testing';
import type { Redis } from 'ioredis';
import { boot } from './app.ts';
import { postMessage, snapshot, textOf, waitForSettlement } from './http-client.ts';
import { readPersisted } from './inspect.ts';
import { AGENT_MOUNT, serveApp } from './server.ts';

const KEY_PREFIX = process.env.EXAMPLE_PREFIX ?? 'flue-example';
const INSTANCE = process.env.EXAMPLE_INSTANCE ?? 'demo';

async function keysUnder(client: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    found.push(...keys);
    cursor = next;
  } while (cursor !== '0');
  return found.sort();
}

async function main(): Promise<void> {
  const server = await startRedis();
  const client = server.connect();
  const inspector = server.connect(); // a second connection, as an operator tool would use
  try {
    console.log(`Redis: ${server.kind === 'env' ? server.url : `throwaway redis-server at ${server.url}`}; keys under "${KEY_PREFIX}:"`);
    console.log(`Agent VisitCounter, instance "${INSTANCE}"\n`);

    console.log('1. First boot: start() with db = flueRedis(client), two messages, stop()');
    const first = await boot(client, KEY_PREFIX, INSTANCE, ["Hi, I'm Ada.", 'Me again.']);
    for (const turn of first) console.log(`  ${turn.receipt.submissionId}  ${turn.reply}`);

    console.log('\n2. Second boot: a fresh runtime and adapter; the conversation continues from Redis');
    const second = await boot(client, KEY_PREFIX, INSTANCE, ['Back after a restart.']);
    for (const turn of second) console.log(`  ${turn.receipt.submissionId}  ${turn.reply}`);

    console.log("\n3. Third boot: the app's HTTP surface (Flue's createAgentRouter), a message over HTTP");
    const app = await serveApp(client, KEY_PREFIX, process.env.EXAMPLE_SERVE === '1' ? Number(process.env.PORT ?? 3000) : 0);
    const agentUrl = app.url + AGENT_MOUNT;
    let viaHttp: string;
    try {
      const admitted = await postMessage(agentUrl, INSTANCE, 'Hello over HTTP.');
      console.log(`  POST ${AGENT_MOUNT}/${INSTANCE} -> 202, submission ${admitted.submissionId}`);
      const chunks = await waitForSettlement(agentUrl, INSTANCE, admitted.offset, admitted.submissionId);
      console.log(`  GET ${AGENT_MOUNT}/${INSTANCE}?view=updates&live=long-poll -> ${chunks.length} chunks until submission-settled`);
      const snap = await snapshot(agentUrl, INSTANCE);
      const last = snap.messages.at(-1);
      console.log(`  GET ${AGENT_MOUNT}/${INSTANCE} -> ${snap.messages.length} messages, ${snap.settlements.length} settlements; last: ${last ? textOf(last) : ''}`);
      viaHttp = admitted.submissionId;
      if (process.env.EXAMPLE_SERVE === '1') {
        console.log(`\n  Serving ${agentUrl}; try:`);
        console.log(`  curl -s -X POST ${agentUrl}/${INSTANCE} -H 'content-type: application/json' -d '{"kind":"user","body":"hi"}'`);
        console.log(`  curl -s '${agentUrl}/${INSTANCE}?view=updates&offset=-1'`);
        console.log(`  curl -sN '${agentUrl}/${INSTANCE}?view=updates&offset=-1&live=sse'   # replays, then streams; POST again in another terminal`);
        console.log(`  curl -s ${agentUrl}/${INSTANCE}\n  Ctrl-C to stop.`);
        await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
      }
    } finally {
      await app.stop();
    }

    console.log('\n4. Read back through another adapter on another connection');
    const ids = [...first, ...second].map((t) => t.receipt.submissionId).concat(viaHttp);
    const saved = await readPersisted(inspector, KEY_PREFIX, INSTANCE, ids);
    const types = new Map<string, number>();
    for (const r of saved.records) types.set(r.type, (types.get(r.type) ?? 0) + 1);
    console.log(`  stream: ${saved.offsets.length} batches, ${saved.records.length} records, producer epoch ${saved.meta?.producerEpoch} (one per boot), head ${saved.meta?.nextOffset}`);
    console.log(`  record types: ${[...types].map(([t, n]) => `${t} ${n}`).join(', ')}`);
    console.log(`  user messages: ${saved.userMessages.map((m) => JSON.stringify(m)).join(', ')}`);
    console.log(`  usePersistentState('visits') writes: ${saved.visitWrites.join(', ')}`);
    for (const s of saved.submissions) console.log(`  submission ${s?.submissionId}: ${s?.status}, attempts ${s?.attemptCount}`);
    console.log(`  unsettled submissions left: ${saved.unsettled}`);
    console.log(`  keys (SCAN, for display only; the adapter never scans):\n${(await keysUnder(inspector, KEY_PREFIX)).map((k) => `    ${k}`).join('\n')}`);
  } finally {
    for (const c of [client, inspector]) await c.quit().catch(() => c.disconnect());
    await server.stop();
  }
}

main()
  .then(() => {
    // After an SSE client, Flue's updates handler keeps a read-cycle timer (up to 30 s) even
    // though its client is gone and the runtime stopped; everything of ours is closed by now.
    if (process.env.EXAMPLE_SERVE === '1') setTimeout(() => process.exit(), 500).unref();
  })
  .catch((error: unknown) => {
    console.error(`example failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  });
