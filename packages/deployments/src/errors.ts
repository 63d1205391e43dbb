import { NotFoundError, RedstateError } from '@redstate/core';

/** `invoke` found no live deployment serving the function (code `NOT_FOUND`). */
export class NoLiveDeploymentError extends NotFoundError {
  constructor(readonly funcName: string) {
    super(`no live deployment serves function ${funcName}`, { details: { funcName } });
  }
}

/** The remote deployment answered `invoke` with a non-2xx status or could not be reached. */
export class DeploymentInvokeError extends RedstateError {
  static override readonly code: string = 'DEPLOYMENT_INVOKE_FAILED';
}

/** `start` was called twice without `stop`, or `invoke`/heartbeat needs a started service. */
export class DeploymentStateError extends RedstateError {
  static override readonly code: string = 'DEPLOYMENT_STATE';
}
