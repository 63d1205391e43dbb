-- Stamps or checks Flue's persisted format version in `{prefix}:meta` (field format_version),
-- adopting a legacy `schema_version 8` stamp in place. Writes nothing when refusing.
-- KEYS: 1 the meta hash.
-- ARGV: 1 supported format version, 2 adoptable legacy schema_version.
-- Returns: {'ok' | 'stamped' | 'adopted' | 'unsupported', the stored value}.
local current = redis.call('HGET', KEYS[1], 'format_version')
if current then
  if current == ARGV[1] then return { 'ok', current } end
  return { 'unsupported', current }
end
local legacy = redis.call('HGET', KEYS[1], 'schema_version')
if legacy then
  if legacy ~= ARGV[2] then return { 'unsupported', legacy } end
  redis.call('HSET', KEYS[1], 'format_version', ARGV[1])
  redis.call('HDEL', KEYS[1], 'schema_version')
  return { 'adopted', legacy }
end
redis.call('HSET', KEYS[1], 'format_version', ARGV[1])
return { 'stamped', ARGV[1] }
