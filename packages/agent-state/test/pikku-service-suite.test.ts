import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';

// Pikku's conformance suites are node:test based, so they run unchanged in a child
// `node --test` process against the built ./pikku entry and this run's Redis.
const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(pkgDir, 'package.json'));
const dist = pathToFileURL(join(pkgDir, 'dist/pikku.js')).href;
const testing = pathToFileURL(require.resolve('@pikku/core/testing')).href;
const ioredis = pathToFileURL(require.resolve('ioredis')).href;

function suiteSource(url: string, prefix: string): string {
  return `
import { after } from 'node:test';
import { defineServiceTests } from ${JSON.stringify(testing)};
import { Redis } from ${JSON.stringify(ioredis)};
import { RedisAgentRunService, RedisAgentStorageService } from ${JSON.stringify(dist)};
const clients = [];
const connect = () => { const c = new Redis(${JSON.stringify(url)}); clients.push(c); return c; };
defineServiceTests({
  name: 'redstate-redis',
  services: {
    agentStorageService: async () => {
      const s = new RedisAgentStorageService(connect(), { keyPrefix: ${JSON.stringify(prefix)} });
      await s.init();
      return s;
    },
    agentRunService: async () => new RedisAgentRunService(connect(), { keyPrefix: ${JSON.stringify(prefix)} }),
  },
});
after(async () => { await Promise.all(clients.map((c) => c.quit())); });
`;
}

describe('Pikku defineServiceTests (agentStorageService + agentRunService), unchanged', () => {
  const redis = useTestRedis('pikku-suite');

  it('passes every test of the suites', () => {
    if (!existsSync(fileURLToPath(dist))) throw new Error('build @redstate/agent-state first: this suite runs against dist/pikku.js');
    const dir = mkdtempSync(join(tmpdir(), 'redstate-pikku-suite-'));
    try {
      const file = join(dir, 'suite.test.mjs');
      writeFileSync(file, suiteSource(redis.url, redis.newPrefix()));
      const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', file], { encoding: 'utf8', timeout: 60_000 });
      const out = `${run.stdout}\n${run.stderr}`;
      const pass = Number(/# pass (\d+)/.exec(out)?.[1] ?? -1);
      const fail = Number(/# fail (\d+)/.exec(out)?.[1] ?? -1);
      expect(fail, out).toBe(0);
      expect(run.status, out).toBe(0);
      expect(pass, out).toBeGreaterThanOrEqual(20);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
