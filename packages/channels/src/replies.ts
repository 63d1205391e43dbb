import { asArray, asNullableString, asString, CorruptDataError } from '@redstate/core';

export interface StoredChannel {
  readonly channelName: string;
  readonly openingData: string | null;
  readonly pikkuUserId: string | null;
}

export function asStoredChannel(raw: unknown): StoredChannel | null {
  if (raw === null || raw === undefined) return null;
  const list = asArray(raw);
  if (list.length !== 3) throw new CorruptDataError(`unexpected channel reply of length ${list.length}`);
  return {
    channelName: asString(list[0]),
    openingData: asNullableString(list[1]),
    pikkuUserId: asNullableString(list[2]),
  };
}
