import { type RedisServerHandle, startRedis } from '@redstate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisUsageStore } from '../src/index.js';
import { tokens } from './helpers.js';

describe('after a server crash and restart (AOF, appendfsync always)', () => {
  let server: RedisServerHandle;
  beforeAll(async () => {
    server = await startRedis({ useEnv: false, appendfsync: 'always' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps entries, rollup and index, and still dedupes retries', async () => {
    const client = server.connect({ maxRetriesPerRequest: 20 });
    try {
      const s = new RedisUsageStore(client, { keyPrefix: 'restart' });
      for (let i = 0; i < 50; i++) await s.recordEntry(tokens('durable', { id: `e${i}`, timestamp: i, tokens: { prompt: i, completion: 1 } }));
      const before = await s.getRollup('durable');
      await server.kill('SIGKILL');
      await server.start();
      expect(await s.getRollup('durable')).toEqual(before);
      expect(await s.getEntries('durable')).toHaveLength(50);
      expect((await s.findSessionIds()).sessionIds).toEqual(['durable']);
      // Scripts are gone after the restart: the NOSCRIPT fallback must still dedupe.
      expect((await s.recordEntry(tokens('durable', { id: 'e7', timestamp: 7, tokens: { prompt: 7, completion: 1 } }))).recorded).toBe(false);
      expect((await s.recordEntry(tokens('durable', { id: 'e50', tokens: { prompt: 50, completion: 1 } }))).recorded).toBe(true);
      expect((await s.getRollup('durable'))?.tokens.prompt).toBe((50 * 51) / 2);
    } finally {
      client.disconnect();
    }
  });
});
