import { useTestRedis } from '@redstate/testing/vitest';
import { describe, expect, it } from 'vitest';
import { Keyspace, type Migration, SchemaLedger, SchemaTooNewError, ValidationError } from '../src/index.js';

function countingMigration(id: string, counterKey: string, delayMs = 0): Migration {
  return {
    id,
    description: `test ${id}`,
    async up({ client }) {
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      await client.hincrby(counterKey, id, 1);
    },
  };
}

describe('SchemaLedger', () => {
  const redis = useTestRedis('ledger');

  it('20 connections at once: every migration body runs exactly once, all resolve', async () => {
    const ks = new Keyspace(redis.newPrefix('race'));
    const counter = ks.key('runs');
    const migrations = [
      countingMigration('001-initial', counter, 30),
      countingMigration('002-indexes', counter, 30),
      countingMigration('003-more', counter),
    ];
    const clients = Array.from({ length: 20 }, () => redis.connect());
    const results = await Promise.all(
      clients.map((c) => new SchemaLedger(c, { namespace: 'demo', keyspace: ks, migrations, version: '1.0.0' }).ensure()),
    );
    expect(await redis.client.hgetall(counter)).toEqual({ '001-initial': '1', '002-indexes': '1', '003-more': '1' });
    const appliedAll = results.flatMap((r) => r.applied);
    expect(appliedAll.sort()).toEqual(['001-initial', '002-indexes', '003-more']);
    for (const r of results) expect(r.current).toEqual(['001-initial', '002-indexes', '003-more']);
  });

  it('returns nothing applied when current, and applies a new migration later', async () => {
    const ks = new Keyspace(redis.newPrefix('incr'));
    const counter = ks.key('runs');
    const v1 = [countingMigration('001-initial', counter)];
    expect((await new SchemaLedger(redis.client, { namespace: 'n', keyspace: ks, migrations: v1, version: '1' }).ensure()).applied).toEqual(['001-initial']);
    expect((await new SchemaLedger(redis.client, { namespace: 'n', keyspace: ks, migrations: v1, version: '1' }).ensure()).applied).toEqual([]);
    const v2 = [...v1, countingMigration('002-next', counter)];
    const result = await new SchemaLedger(redis.client, { namespace: 'n', keyspace: ks, migrations: v2, version: '2' }).ensure();
    expect(result.applied).toEqual(['002-next']);
    expect(await redis.client.hgetall(counter)).toEqual({ '001-initial': '1', '002-next': '1' });
  });

  it('refuses a ledger written by a newer version and writes nothing', async () => {
    const ks = new Keyspace(redis.newPrefix('newer'));
    const counter = ks.key('runs');
    const newer = [countingMigration('001-initial', counter), countingMigration('002-future', counter)];
    await new SchemaLedger(redis.client, { namespace: 'n', keyspace: ks, migrations: newer, version: '2' }).ensure();
    const older = new SchemaLedger(redis.client, {
      namespace: 'n',
      keyspace: ks,
      migrations: [countingMigration('001-initial', counter), countingMigration('002-other', counter)],
      version: '1',
    });
    const ledgerBefore = await redis.client.hgetall(older.ledgerKey);
    await expect(older.ensure()).rejects.toBeInstanceOf(SchemaTooNewError);
    expect(await redis.client.hgetall(older.ledgerKey)).toEqual(ledgerBefore);
    expect(await redis.client.exists(older.lockKey)).toBe(0);
    expect(await redis.client.hget(counter, '002-other')).toBeNull();
  });

  it('does not cache a failure and resumes after the last recorded migration', async () => {
    const ks = new Keyspace(redis.newPrefix('retry'));
    const counter = ks.key('runs');
    let failNext = true;
    const flaky: Migration = {
      id: '002-flaky',
      description: 'fails once',
      async up({ client }) {
        if (failNext) {
          failNext = false;
          throw new Error('boom');
        }
        await client.hincrby(counter, '002-flaky', 1);
      },
    };
    const ledger = new SchemaLedger(redis.client, {
      namespace: 'n',
      keyspace: ks,
      migrations: [countingMigration('001-initial', counter), flaky],
      version: '1',
    });
    await expect(ledger.ensureOnce()).rejects.toThrow('boom');
    expect((await ledger.status()).pending).toEqual(['002-flaky']);
    expect(await redis.client.exists(ledger.lockKey)).toBe(0);
    const second = await ledger.ensureOnce();
    expect(second.applied).toEqual(['002-flaky']);
    expect(await redis.client.hgetall(counter)).toEqual({ '001-initial': '1', '002-flaky': '1' });
  });

  it('imports migrations applied by an earlier ledger format', async () => {
    const ks = new Keyspace(redis.newPrefix('legacy'));
    const counter = ks.key('runs');
    const ledger = new SchemaLedger(redis.client, {
      namespace: 'n',
      keyspace: ks,
      migrations: [countingMigration('001-initial', counter), countingMigration('002-next', counter)],
      version: '1',
      importApplied: async () => ['001-initial'],
    });
    const result = await ledger.ensure();
    expect(result.applied).toEqual(['002-next']);
    expect(result.current).toEqual(['001-initial', '002-next']);
    expect(await redis.client.hget(counter, '001-initial')).toBeNull();
  });

  it('rejects malformed and duplicate migration ids', () => {
    const ks = new Keyspace('x');
    expect(() => new SchemaLedger(redis.client, { namespace: 'n', keyspace: ks, migrations: [countingMigration('initial', 'c')], version: '1' })).toThrow(ValidationError);
    expect(
      () =>
        new SchemaLedger(redis.client, {
          namespace: 'n',
          keyspace: ks,
          migrations: [countingMigration('001-a', 'c'), countingMigration('001-a', 'c')],
          version: '1',
        }),
    ).toThrow(ValidationError);
  });
});
