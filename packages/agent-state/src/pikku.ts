export { RedisAgentRunService } from './pikku/agent-run-service.js';
export { RedisAgentStorageService } from './pikku/agent-storage-service.js';
export { AgentRunNotFoundError, AgentThreadNotFoundError } from './pikku/errors.js';
export { formatRunId, ownerPrincipals, PikkuAgentKeys, parseRunId, type ThreadKeys } from './pikku/keys.js';
export type { PikkuAgentOptions } from './pikku/options.js';
export { PIKKU_AGENT_NAMESPACE, pikkuAgentMigrations } from './pikku/schema.js';
export { pikkuAgentScripts } from './pikku/scripts.js';
export type { ListThreadsOptions } from './pikku/threads.js';
