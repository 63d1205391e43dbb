export { HarnessError, INSTALL_HINT } from './harness-error.js';
export { testPrefix } from './prefix.js';
export { findRedisServer, freePort } from './processes.js';
export {
  type ClusterNodeAddress,
  type RedisClusterHandle,
  type StartRedisClusterOptions,
  startRedisCluster,
} from './start-cluster.js';
export { type RedisServerHandle, type StartRedisOptions, startRedis } from './start-redis.js';
