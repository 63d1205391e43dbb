export { clusterEndpoint, connectTo } from './endpoint.js';
export { HarnessError, INSTALL_HINT } from './harness-error.js';
export { keysMatching, monitorServers, type ServerConnection, serverConnections, serversOf } from './nodes.js';
export { testPrefix } from './prefix.js';
export { findRedisServer, freePort } from './processes.js';
export {
  type ClusterNodeAddress,
  type RedisClusterHandle,
  type StartRedisClusterOptions,
  startRedisCluster,
} from './start-cluster.js';
export { type RedisServerHandle, type StartRedisOptions, startRedis } from './start-redis.js';
