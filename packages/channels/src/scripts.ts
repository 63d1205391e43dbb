import { asInteger, asNullableString, asStringArray, defineScript, type Script } from '@redstate/core';
import { lua } from './generated/lua.js';
import { asStoredChannel } from './replies.js';

export const addChannelScript = defineScript({ ...lua.addChannel, reply: asInteger });
export const removeChannelsScript = defineScript({ ...lua.removeChannels, reply: asInteger });
export const setFieldScript = defineScript({ ...lua.setField, reply: asInteger });
export const getChannelScript = defineScript({ ...lua.getChannel, reply: asStoredChannel });
export const getStateScript = defineScript({ ...lua.getState, reply: asNullableString });
export const subscribeScript = defineScript({ ...lua.subscribe, reply: asInteger });
export const unsubscribeScript = defineScript({ ...lua.unsubscribe, reply: asInteger });
export const topicChannelsScript = defineScript({ ...lua.topicChannels, reply: asStringArray });
export const sweepExpiredScript = defineScript({ ...lua.sweepExpired, reply: asInteger });

/** Every script of this package, for `verifyScripts`. */
export const channelScripts: readonly Script<unknown>[] = [
  addChannelScript,
  removeChannelsScript,
  setFieldScript,
  getChannelScript,
  getStateScript,
  subscribeScript,
  unsubscribeScript,
  topicChannelsScript,
  sweepExpiredScript,
];
