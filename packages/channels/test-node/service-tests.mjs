// Runs Pikku's own conformance suites unchanged against the built package and a real
// redis-server started for this run.
import { after } from 'node:test';
import { defineServiceTests } from '@pikku/core/testing';
import { startRedis } from '@redstate/testing';
import { RedisChannelStore, RedisEventHubStore } from '../dist/index.js';

let server;
const clients = [];

async function connect() {
  server ??= await startRedis();
  const client = server.connect();
  clients.push(client);
  return client;
}

const prefix = `pikku-suite:${process.pid}:${Date.now()}`;

defineServiceTests({
  name: 'redstate-redis',
  services: {
    channelStore: async () => {
      const store = new RedisChannelStore(await connect(), { keyPrefix: `${prefix}:channels` });
      await store.init();
      return store;
    },
    eventHubStore: async () => {
      const store = new RedisChannelStore(await connect(), { keyPrefix: `${prefix}:events`, channelTtlMs: 60_000 });
      await store.init();
      return new RedisEventHubStore(store);
    },
  },
});

after(async () => {
  await Promise.all(clients.map((c) => c.quit()));
  await server?.stop();
});
