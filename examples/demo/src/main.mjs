#!/usr/bin/env node
// redstate demo: the packages working together the way a framework app uses them.
import { randomBytes } from 'node:crypto';
import { inspectServer, RedisUnavailableError } from '@redstate/core';
import { runApprovalWorkflow } from './approval.mjs';
import { detail, log, step, summary } from './report.mjs';
import { countRoundTrips } from './round-trips.mjs';
import { demoServer } from './server.mjs';
import { runAgentSession } from './session.mjs';
import { ensureAll } from './schema.mjs';

async function main() {
  const server = await demoServer(log);
  countRoundTrips(server.port);
  const admin = server.connect();
  const prefix = `demo-${randomBytes(3).toString('hex')}`;
  const sessionId = `session:${randomBytes(2).toString('hex')} {vip}`; // ids may hold ':', '{}', spaces
  try {
    const report = await step('inspect the server', () => inspectServer(admin));
    detail(`Redis ${report.version}, ${report.mode}, maxmemory-policy ${report.maxmemoryPolicy}, AOF ${report.persistence.aof ? 'on' : 'off'}`);
    for (const w of report.warnings) detail(`warning: ${w.message} (fix: ${w.fix})`);
    const keysBefore = await admin.dbsize();
    await step('ensureSchema of every package (the deploy step)', () => ensureAll(admin, prefix));

    log(`agent session "${sessionId}" under prefix ${prefix}`);
    const session = await runAgentSession({ server, prefix, sessionId });
    log('refund workflow with a human approval');
    const approval = await runApprovalWorkflow({ server, prefix, sessionId });

    const keysAfter = await admin.dbsize();
    summary([
      ['server', server.kind === 'local' ? `throwaway redis-server on port ${server.port}` : server.url],
      ['agent session', `${session.final.status} after ${session.final.resumeCount} resume(s), step ${session.final.stepCount}`],
      ['stream', `${session.resumed.length} chunks resumed after the crash, no gap, no duplicate`],
      ['fencing', `tokens ${session.lockA.fencingToken} -> ${session.lockB.fencingToken}; zombie write ${session.stale}`],
      ['usage', `${session.rollup.entryCount} entries, ${session.rollup.tokens.total} tokens, ${session.rollup.tools.calls} tool call`],
      ['workflow', `run ${approval.run.status}, ${approval.history.length} step attempts`],
      ['approval', `${approval.request.status}: ${approval.request.result.actionId}`],
      ['keys written', server.kind === 'local' ? `${keysAfter - keysBefore}` : `~${keysAfter - keysBefore} (DBSIZE delta; other clients may write)`],
    ]);
    const ok =
      session.final.status === 'completed' &&
      session.stale.startsWith('refused') &&
      approval.run.status === 'completed' &&
      approval.request.status === 'resolved';
    console.log(`\nresult: ${ok ? 'ok' : 'FAILED'}`);
    if (!ok) process.exitCode = 1;
  } finally {
    admin.disconnect();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  if (RedisUnavailableError.isInstance(error) && process.env.REDIS_URL) {
    console.error(`  is a Redis server listening at ${process.env.REDIS_URL}? Unset REDIS_URL to let the demo start a throwaway redis-server.`);
  }
  process.exitCode = 1;
});
