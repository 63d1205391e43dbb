// pnpm bench [--quick] [--only name,...]: runs every scenario against ours, the peers and the
// server baseline on one redis-server in one process run; prints a table, writes JSON, and
// (full runs only) refreshes the table in the root README.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startRedis } from '@redstate/testing';
import { CLIENT_LIBRARY, connectClient } from './client.ts';
import type { Redis } from 'ioredis';
import { type Machine, renderMachine, renderTable } from './report.ts';
import type { BenchContext, Scenario, ScenarioResult } from './scenario.ts';
import { scenarios } from './scenarios/index.ts';
import { countSocketWrites } from './socket-writes.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const ops = quick ? 2_000 : 20_000;
const concurrency = 16;
const root = join(import.meta.dirname, '..', '..', '..');

async function main(): Promise<void> {
  countSocketWrites();
  const server = await startRedis();
  const admin = connectClient(server.url);
  const results: ScenarioResult[] = [];
  const failures: Array<{ scenario: string; error: string }> = [];
  let current = 'startup';
  // A stray rejection inside a library (a timer, a subscriber) would otherwise end the process.
  process.on('unhandledRejection', (reason: unknown) => {
    const message = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    failures.push({ scenario: current, error: `unhandled rejection: ${message}` });
    process.stdout.write(`FAILED ${current} (unhandled rejection): ${message}\n`);
  });
  try {
    const info = await admin.info('server');
    const machine: Machine = {
      client: CLIENT_LIBRARY,
      cpu: cpus()[0]?.model ?? 'unknown CPU',
      cores: cpus().length,
      memoryGiB: totalmem() / 2 ** 30,
      node: process.versions.node,
      redis: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    };
    const unknown = [...(only ?? [])].filter((name) => !scenarios.some((s) => s.name === name));
    if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
    const selected: Scenario[] = scenarios.filter((s) => !only || only.has(s.name));
    for (const scenario of selected) {
      const opened: Redis[] = [];
      const context: BenchContext = {
        url: server.url,
        port: server.port,
        admin,
        quick,
        ops,
        concurrency,
        connect: () => {
          const c = connectClient(server.url);
          opened.push(c);
          return c;
        },
        prefix: (label) => `bench-${label}-${randomBytes(3).toString('hex')}`,
      };
      process.stdout.write(`running ${scenario.name} ...\n`);
      const started = performance.now();
      current = scenario.name;
      try {
        results.push(...(await scenario.run(context)));
      } catch (error) {
        // One failing scenario must not hide the others: report it and fail the run at the end.
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        failures.push({ scenario: scenario.name, error: message });
        process.stdout.write(`FAILED ${scenario.name}: ${message}\n`);
      } finally {
        await Promise.all(opened.map((c) => c.quit().catch(() => c.disconnect())));
      }
      process.stdout.write(`  ${scenario.name} took ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
    const table = renderTable(results);
    const header = renderMachine(machine, ops, concurrency);
    console.log(`\n${header}\n\n${table}\n`);
    for (const f of failures) console.log(`FAILED scenario ${f.scenario}: ${f.error.split('\n')[0]}`);
    if (failures.length > 0) process.exitCode = 1;

    const outDir = join(root, 'packages/bench/results');
    mkdirSync(outDir, { recursive: true });
    const record = { at: new Date().toISOString(), quick, ops, concurrency, machine, results, failures };
    writeFileSync(join(outDir, quick ? 'latest-quick.json' : 'latest.json'), `${JSON.stringify(record, null, 2)}\n`);
    if (!quick && !only && failures.length === 0) updateReadme(`${header}\n\n${table}`);
  } finally {
    await admin.quit().catch(() => admin.disconnect());
    await server.stop();
  }
}

function updateReadme(section: string): void {
  const file = join(root, 'README.md');
  const text = readFileSync(file, 'utf8');
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  writeFileSync(file, `${text.slice(0, i + start.length)}\n${section}\n${text.slice(j)}`);
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
