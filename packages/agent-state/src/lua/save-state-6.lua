-- Writes a session's state (and optionally its message history and a checkpoint) atomically.
-- KEYS[1] state hash  KEYS[2] messages list  KEYS[3] checkpoint index zset
-- KEYS[4] checkpoint data hash  KEYS[5] staging hash  KEYS[6] fence
-- ARGV[1] ttl seconds (0 = none)  ARGV[2] fencing token ('' = none)
-- ARGV[3] checkpoint mode auto|always|never  ARGV[4] checkpoint id
-- ARGV[5] checkpoint head: the checkpoint JSON up to, not including, the state's customState and the
--         two closing braces (so customState is sent once; Lua only concatenates, never decodes)
-- ARGV[6] status  ARGV[7] stepCount  ARGV[8] customState JSON  ARGV[9] doc JSON
-- ARGV[10] messages mode keep|sync|replace  ARGV[11] max checkpoints  ARGV[12..] message JSONs
-- Returns {version, messageCount, checkpointId or ''}, or RSERR VALIDATION / STALE_FENCING_TOKEN / CORRUPT_DATA
--- @include "fail"
--- @include "args"
--- @include "fence"
--- @include "server-time"
--- @include "touch"
--- @include "push-argv"
--- @include "stored-int"
local ttl, maxcp = int_arg(ARGV[1]), int_arg(ARGV[11])
local cpmode, mode, head = ARGV[3], ARGV[10], ARGV[5]
if ttl == nil or maxcp == nil or maxcp < 1 or int_arg(ARGV[7]) == nil then
  return fail('VALIDATION', 'save-state: ttl, stepCount and max checkpoints must be non-negative integers')
end
if cpmode ~= 'auto' and cpmode ~= 'always' and cpmode ~= 'never' then
  return fail('VALIDATION', 'save-state: checkpoint mode must be auto, always or never')
end
if mode ~= 'keep' and mode ~= 'sync' and mode ~= 'replace' then
  return fail('VALIDATION', 'save-state: messages mode must be keep, sync or replace')
end
if string.sub(head, 1, 1) ~= '{' or string.sub(head, 2, 2) == '}' or ARGV[4] == '' then
  return fail('VALIDATION', 'save-state: checkpoint head must open a non-empty JSON object')
end
-- Everything that can fail on corrupt stored data (a key of another type, a non-integer
-- counter) runs before the first write, the fence SET included.
local count = redis.call('LLEN', KEYS[2])
local stored = redis.call('HMGET', KEYS[1], 'version', 'checkpointSeq', 'checkpointStep')
if (stored[1] and not stored_int(stored[1])) or (stored[2] and not stored_int(stored[2])) then
  return fail('CORRUPT_DATA', 'session state has a non-integer version or checkpointSeq')
end
local checkpoint = cpmode == 'always' or (cpmode == 'auto' and stored[3] ~= ARGV[7])
local kept = 0
if checkpoint then
  kept = redis.call('ZCARD', KEYS[3])
  redis.call('HLEN', KEYS[4])
end
if not check_fence(KEYS[6], ARGV[2]) then
  return fail('STALE_FENCING_TOKEN', 'fencing token ' .. ARGV[2] .. ' is older than the newest one seen for this session')
end

local now = now_ms()
if not stored[1] and redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'createdAt', now, 'resumeCount', 0)
end
local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
redis.call('HSET', KEYS[1], 'status', ARGV[6], 'stepCount', ARGV[7], 'customState', ARGV[8], 'doc', ARGV[9], 'updatedAt', now)

local first = 12
if mode ~= 'keep' then
  local given = #ARGV - first + 1
  local from = first + count
  if mode == 'replace' or given < count then
    redis.call('DEL', KEYS[2])
    from = first
  end
  push_argv(KEYS[2], from, #ARGV)
  count = redis.call('LLEN', KEYS[2])
end

local cpid = ''
if checkpoint then
  local seq = redis.call('HINCRBY', KEYS[1], 'checkpointSeq', 1)
  local record = '{"messageCount":' .. count .. ',"createdAt":' .. now .. ',' .. string.sub(head, 2) .. ',"customState":' .. ARGV[8] .. '}}'
  redis.call('HSET', KEYS[4], ARGV[4], record)
  local excess = kept + redis.call('ZADD', KEYS[3], seq, ARGV[4]) - maxcp
  redis.call('HSET', KEYS[1], 'checkpointStep', ARGV[7])
  if excess > 0 then
    local old = redis.call('ZPOPMIN', KEYS[3], excess)
    for i = 1, #old, 2 do redis.call('HDEL', KEYS[4], old[i]) end
  end
  cpid = ARGV[4]
end
touch(ttl)
return {version, count, cpid}
