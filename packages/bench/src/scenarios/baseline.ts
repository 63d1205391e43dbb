import { asInteger, defineScript } from '@redstate/core';
import { measure } from '../measure.ts';
import type { Scenario } from '../scenario.ts';

const trivial = defineScript({ name: 'bench-trivial', keys: 1, lua: "return redis.call('INCR', KEYS[1])", reply: asInteger });

/** The server's own limit at the same concurrency: a bare EVALSHA and a bare SET. */
export const baseline: Scenario = {
  name: 'baseline',
  async run(ctx) {
    const client = ctx.connect();
    const prefix = ctx.prefix('baseline');
    const evalsha = await measure(ctx.admin, ctx.port, {
      ops: ctx.ops,
      concurrency: ctx.concurrency,
      warmup: Math.ceil(ctx.ops / 10),
      op: (i) => trivial.run(client, [`${prefix}:n:${i % 1000}`]),
    });
    const set = await measure(ctx.admin, ctx.port, {
      ops: ctx.ops,
      concurrency: ctx.concurrency,
      warmup: Math.ceil(ctx.ops / 10),
      op: (i) => client.set(`${prefix}:s:${i % 1000}`, 'v'),
    });
    return [
      { scenario: 'evalsha trivial script', subject: 'baseline', measurement: evalsha },
      { scenario: 'SET', subject: 'baseline', measurement: set },
    ];
  },
};
