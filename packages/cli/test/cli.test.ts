import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRedis } from '@redstate/testing';
import { monitorServers, onClusterTarget, testClusterNodes, useTestRedis } from '@redstate/testing/vitest';
import { Keyspace } from '@redstate/core';
import { RedisUsageStore } from '@redstate/usage';
import { RedisHitlState } from '@redstate/hitl';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `redstate` binary the way a user's shell does. */
async function redstate(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { PATH: process.env.PATH, ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('redstate CLI (built binary, real Redis)', () => {
  const redis = useTestRedis('cli');
  /** Where the CLI connects: the server `redis.client` uses (a seed node plus --cluster on the cluster target). */
  const seedUrl = () => {
    const [seed] = testClusterNodes();
    return `redis://${seed!.host}:${seed!.port}`;
  };
  const target = (): string[] => (onClusterTarget() ? ['--url', seedUrl(), '--cluster'] : ['--url', redis.url]);

  it('prints help for the tool and for every command', async () => {
    const general = await redstate(['--help']);
    expect(general.code).toBe(0);
    expect(general.stdout).toContain('migrate');
    for (const command of ['migrate', 'inspect', 'status']) {
      const out = await redstate([command, '--help']);
      expect(out.code).toBe(0);
      expect(out.stdout).toContain(`Usage: redstate ${command}`);
    }
  });

  it('inspect reports version, mode, eviction and persistence, as text and as JSON', async () => {
    const text = await redstate(['inspect', ...target()]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^Redis \\d+\\.\\d+\\.\\d+ \\(${redis.target}`));
    expect(text.stdout).toContain('maxmemory-policy: noeviction');

    const json = await redstate(['inspect', ...target(), '--json']);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as { mode: string; maxmemoryPolicy: string; warnings: unknown[] };
    expect(report.mode).toBe(redis.target);
    expect(report.maxmemoryPolicy).toBe('noeviction');
  });

  it('inspect warns with a fix on an evicting server and --strict exits 1', async () => {
    const evicting = await startRedis({ useEnv: false, args: ['--maxmemory-policy', 'allkeys-lru'] });
    try {
      const out = await redstate(['inspect', '--url', evicting.url, '--strict']);
      expect(out.code).toBe(1);
      expect(out.stdout).toContain('warning EVICTION');
      expect(out.stdout).toContain('fix: set `maxmemory-policy noeviction`');
      expect((await redstate(['inspect', '--url', evicting.url])).code).toBe(0);
    } finally {
      await evicting.stop();
    }
  });

  it('reads REDIS_URL when --url is absent', async () => {
    const [flag, url, ...rest] = target();
    expect(flag).toBe('--url');
    const out = await redstate(['inspect', '--json', ...rest], { REDIS_URL: url });
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toHaveProperty('version');
  });

  it('rejects a bad URL with one clear line and exit 2, no stack trace', async () => {
    const out = await redstate(['inspect', '--url', 'http://example.com']);
    expect(out.code).toBe(2);
    expect(out.stderr.trim()).toBe('redstate: bad --url "http://example.com": the scheme must be redis:// or rediss://');
  });

  it('reports an unreachable server within the timeout, exit 2, no stack trace', async () => {
    const out = await redstate(['inspect', '--url', 'redis://127.0.0.1:1', '--timeout', '2000', '--json']);
    expect(out.code).toBe(2);
    expect(JSON.parse(out.stderr)).toEqual({ error: expect.stringContaining('cannot reach Redis at redis://127.0.0.1:1') });
    expect(out.stderr).not.toMatch(/\n\s+at /);
  });

  it('migrate applies each package schema once, then reports up to date', async () => {
    const prefix = redis.newPrefix();
    const first = await redstate(['migrate', 'locks', 'usage', ...target(), '--prefix', prefix, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      packages: [
        { package: 'locks', prefix, applied: ['001-initial'] },
        { package: 'usage', prefix, applied: ['001-initial'] },
      ],
    });
    const again = await redstate(['migrate', 'locks', 'usage', ...target(), '--prefix', prefix]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`locks (prefix ${prefix}): up to date\nusage (prefix ${prefix}): up to date\n`);
  });

  it('migrate exits 1 and names the package when its ledger comes from a newer version', async () => {
    const prefix = redis.newPrefix();
    expect((await redstate(['migrate', 'locks', ...target(), '--prefix', prefix])).code).toBe(0);
    const ledgerKey = new Keyspace(prefix).unit('schema', 'locks').key('ledger');
    await redis.client.hset(ledgerKey, '999-from-the-future', '{}');
    const out = await redstate(['migrate', 'locks', ...target(), '--prefix', prefix]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain(`locks (prefix ${prefix}): REFUSED SCHEMA_TOO_NEW`);
    expect(out.stdout).toContain('999-from-the-future');
  });

  it('status reads ledgers and index counts without scanning the keyspace', async () => {
    const prefix = redis.newPrefix();
    const usage = new RedisUsageStore(redis.client, { keyPrefix: prefix });
    for (const sessionId of ['a', 'b', 'c']) {
      await usage.recordEntry({ sessionId, stepCount: 1, source: { type: 'agent', name: 'x' }, kind: 'tool', toolName: 't', success: true });
    }
    const monitors = await monitorServers(redis.client);
    const commands: string[] = [];
    for (const monitor of monitors) {
      monitor.on('monitor', (_time: string, args: string[]) => commands.push(String(args[0]).toLowerCase()));
    }
    const out = await redstate(['status', 'usage', ...target(), '--prefix', prefix, '--json']);
    for (const monitor of monitors) monitor.disconnect();
    expect(out.code).toBe(0);
    const [status] = (JSON.parse(out.stdout) as { packages: Array<{ migrations: string[]; indexes: Array<{ label: string; count: number }> }> }).packages;
    expect(status?.migrations).toEqual(['001-initial']);
    expect(status?.indexes).toEqual([expect.objectContaining({ label: 'sessions', count: 3 })]);
    expect(commands).toContain('hkeys'); // the monitor saw the CLI's commands
    expect(commands).not.toContain('scan');
    expect(commands).not.toContain('keys');
  });

  it('status counts hitl requests from the table indexes (the prefix is the table name)', async () => {
    const table = `cli_test.req_${Date.now().toString(36)}`;
    const hitl = new RedisHitlState(redis.client, { tableName: table });
    const request = (id: string) => ({ id, token: `t-${id}`, channel: 'slack', message: 'ok?', actions: [{ id: 'yes' }] });
    await hitl.create(request('a'));
    await hitl.create(request('b'));
    await hitl.resolve('a', { type: 'RESOLVED', actionId: 'yes', id: 'a', externalRef: 'x', feedbacks: {} });
    const out = await redstate(['status', 'hitl', ...target(), '--prefix', table]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('  requests: 2 (');
    expect(out.stdout).toContain('  pending requests: 1 (');
  });

  it('rejects unknown commands, packages and options with exit 2', async () => {
    expect((await redstate(['frobnicate'])).code).toBe(2);
    expect((await redstate(['inspect', '--nope'])).stderr).toContain("Unknown option '--nope'");
    const unknownPackage = await redstate(['migrate', 'nosuch', '--url', redis.url]);
    expect(unknownPackage.code).toBe(2);
    expect(unknownPackage.stderr).toContain('unknown package "nosuch"');
  });
});
