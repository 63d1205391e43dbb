export { RedisChannelStore, type StoredPikkuChannel } from './channel-store.js';
export { ChannelNotFoundError } from './errors.js';
export { RedisEventHubStore } from './event-hub-store.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './generated/version.js';
export { type ChannelKeys, channelKeys } from './keys.js';
export type { RedisChannelStoreOptions } from './options.js';
export { CHANNELS_NAMESPACE, channelMigrations } from './schema.js';
export { channelScripts } from './scripts.js';
