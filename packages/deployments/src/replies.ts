import { asArray, asString, CorruptDataError, unescapeKeyPart } from '@redstate/core';

export interface LiveDeployment {
  readonly deploymentId: string;
  readonly endpoint: string;
  /** Server time (ms since epoch) at which the deployment leaves the live set without a heartbeat. */
  readonly expiresAt: number;
}

export function asLiveDeployments(raw: unknown): LiveDeployment[] {
  const list = asArray(raw);
  if (list.length % 3 !== 0) throw new CorruptDataError('unexpected deployment list reply');
  const out: LiveDeployment[] = [];
  for (let i = 0; i < list.length; i += 3) {
    const expiresAt = Number(asString(list[i + 2]));
    if (!Number.isFinite(expiresAt)) throw new CorruptDataError('corrupt stored deployment expiry');
    out.push({ deploymentId: unescapeKeyPart(asString(list[i])), endpoint: asString(list[i + 1]), expiresAt });
  }
  return out;
}
