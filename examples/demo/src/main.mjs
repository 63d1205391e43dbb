#!/usr/bin/env node
// redstate demo: shows the packages working the way a framework app uses them.
import { randomBytes } from 'node:crypto';
import { inspectServer, Keyspace, SchemaLedger } from '@redstate/core';
import { commandCount } from './round-trips.mjs';
import { demoServer } from './server.mjs';

const started = Date.now();
const log = (message) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);

async function main() {
  const server = await demoServer(log);
  const client = server.connect();
  const prefix = `demo-${randomBytes(3).toString('hex')}`;
  try {
    log('inspecting the server');
    const report = await inspectServer(client);
    console.log(`  version ${report.version}, ${report.mode}, maxmemory-policy ${report.maxmemoryPolicy}, AOF ${report.persistence.aof ? 'on' : 'off'}`);
    for (const w of report.warnings) console.log(`  warning: ${w.message}\n    fix: ${w.fix}`);

    log(`ensureSchema under prefix ${prefix}`);
    const keyspace = new Keyspace(prefix);
    const ledger = new SchemaLedger(client, {
      namespace: 'demo',
      keyspace,
      version: '0.0.0',
      migrations: [
        {
          id: '001-initial',
          description: 'marks the demo namespace as initialised',
          up: async ({ client: c, keyspace: ks }) => {
            await c.set(ks.key('initialised'), new Date().toISOString());
          },
        },
      ],
    });
    const before = await commandCount(client);
    const first = await ledger.ensure();
    const mid = await commandCount(client);
    const second = await ledger.ensure();
    const after = await commandCount(client);
    console.log(`  first call applied [${first.applied.join(', ')}] in ${mid - before} commands`);
    console.log(`  second call applied [${second.applied.join(', ')}] in ${after - mid} command (already current)`);

    console.log('\nSummary');
    console.log(`  server      ${server.kind === 'local' ? 'throwaway local redis-server' : server.url}`);
    console.log(`  keys        ${ledger.ledgerKey}, ${keyspace.key('initialised')}`);
    console.log('  result      ok');
  } finally {
    await client.quit().catch(() => client.disconnect());
    await server.stop();
  }
}

main().catch((error) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
