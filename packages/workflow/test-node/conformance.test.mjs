// Pikku's published conformance suite, run unchanged against the built package.
import { after } from 'node:test';
import { defineServiceTests } from '@pikku/core/testing';
import { startRedis } from '@redstate/testing';
import { RedisWorkflowRunService, RedisWorkflowService } from '../dist/index.js';

let server;
const clients = [];
const prefix = `conformance-${process.pid}-${Date.now()}`;

async function connect() {
  server ??= startRedis();
  const client = (await server).connect();
  clients.push(client);
  return client;
}

defineServiceTests({
  name: 'redstate',
  services: {
    workflowService: async () => {
      const service = new RedisWorkflowService(await connect(), { keyPrefix: prefix });
      await service.ensureSchema();
      return service;
    },
    workflowRunService: async () => new RedisWorkflowRunService(await connect(), { keyPrefix: prefix }),
  },
});

after(async () => {
  await Promise.all(clients.map((c) => c.quit()));
  if (server) await (await server).stop();
});
