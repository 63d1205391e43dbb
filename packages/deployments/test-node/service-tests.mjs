// Runs Pikku's own conformance suite unchanged against the built package and a real
// redis-server started for this run.
import { after } from 'node:test';
import { defineServiceTests } from '@pikku/core/testing';
import { startRedis } from '@redstate/testing';
import { RedisDeploymentService } from '../dist/index.js';

let server;
const clients = [];

defineServiceTests({
  name: 'redstate-redis',
  services: {
    deploymentService: async () => {
      server ??= await startRedis();
      const client = server.connect();
      clients.push(client);
      const service = new RedisDeploymentService({ heartbeatInterval: 200, heartbeatTtl: 1000 }, client, {
        keyPrefix: `pikku-suite:${process.pid}:${Date.now()}`,
      });
      await service.init();
      return service;
    },
  },
});

after(async () => {
  await Promise.all(clients.map((c) => c.quit()));
  await server?.stop();
});
