import { type RedisServerHandle, startRedis } from '@redstate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisHitlState } from '../src/index.js';
import { newRecord, resolved, uniqueTable } from './helpers.js';

describe('RedisHitlState across a server restart', () => {
  let server: RedisServerHandle;

  beforeAll(async () => {
    server = await startRedis({ useEnv: false, appendfsync: 'always' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('data survives a kill -9 with AOF, and scripts reload after the script cache is gone', async () => {
    const tableName = uniqueTable('restart');
    const client = server.connect();
    const state = new RedisHitlState(client, { tableName });
    await state.create(newRecord('a1', { context: { list: [] } }));
    await state.create(newRecord('a2'));
    await state.resolve('a1', resolved('a1'));
    await state.setExternalId('a2', 'ext-2');
    const before = await state.list();
    await client.quit();

    await server.kill('SIGKILL');
    await server.start();

    const client2 = server.connect();
    try {
      const again = new RedisHitlState(client2, { tableName });
      expect(await again.list()).toEqual(before);
      expect((await again.findByExternalId('ext-2'))?.id).toBe('a2');
      await expect(again.resolve('a1', resolved('a1'))).rejects.toThrow(/already resolved/);
      await again.resolve('a2', resolved('a2'));
      expect(await again.count({ status: 'resolved' })).toBe(2);
      expect((await again.ensureSchema()).applied).toEqual([]);
    } finally {
      await client2.quit();
    }
  });
});
