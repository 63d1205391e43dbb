import { asInteger, defineScript, type Script } from '@redstate/core';
import { lua } from './generated/lua.js';
import { asLiveDeployments } from './replies.js';

export const heartbeatScript = defineScript({ ...lua.heartbeat, reply: asInteger });
export const unregisterScript = defineScript({ ...lua.unregister, reply: asInteger });
export const findFunctionScript = defineScript({ ...lua.findFunction, reply: asLiveDeployments });
export const listLiveScript = defineScript({ ...lua.listLive, reply: asLiveDeployments });
export const sweepExpiredScript = defineScript({ ...lua.sweepExpired, reply: asInteger });

/** Every script of this package, for `verifyScripts`. */
export const deploymentScripts: readonly Script<unknown>[] = [
  heartbeatScript,
  unregisterScript,
  findFunctionScript,
  listLiveScript,
  sweepExpiredScript,
];
