export { RedisDeploymentService } from './deployment-service.js';
export { DeploymentInvokeError, DeploymentStateError, NoLiveDeploymentError } from './errors.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './generated/version.js';
export { type DeploymentKeys, deploymentKeys } from './keys.js';
export type { RedisDeploymentServiceOptions } from './options.js';
export type { LiveDeployment } from './replies.js';
export { DEPLOYMENTS_NAMESPACE, deploymentMigrations } from './schema.js';
export { deploymentScripts } from './scripts.js';
