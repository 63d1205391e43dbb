export type { StepRecord, StepRecordWithData } from './codec.js';
export { LayoutMismatchError, LockTimeoutError, TerminalStateError } from './errors.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './generated/version.js';
export {
  DEFAULT_KEY_PREFIX,
  DEFAULT_PARTITIONS,
  type RedisWorkflowServiceOptions,
  type WorkflowStoreOptions,
} from './options.js';
export { RedisWorkflowRunService } from './redis-workflow-run-service.js';
export { RedisWorkflowService } from './redis-workflow-service.js';
export { DEFAULT_PAGE_SIZE, type ListRunsFilter, type ListRunsPageOptions, MAX_PAGE_SIZE, type RunPage } from './run-listing.js';
export { workflowScripts } from './scripts.js';
