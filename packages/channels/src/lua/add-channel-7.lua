-- Adds (or replaces) a channel: an existing record with the same id, with its state and
-- subscriptions, is removed first.
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] escaped channel id, ARGV[2] ttl ms (0 = none), ARGV[3] sweep limit,
-- ARGV[4] channelName, ARGV[5] '1' when ARGV[6] (openingData JSON) is present
-- Returns 1
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
--- @include "deny-oom"
local id = ARGV[1]
local ttl = parse_ttl(ARGV[2])
local limit = tonumber(ARGV[3])
if id == nil or id == '' then return fail('VALIDATION', 'channel id must not be empty') end
if ttl == nil then return fail('VALIDATION', 'ttl must be a non-negative integer') end
if limit == nil or limit < 0 then return fail('VALIDATION', 'sweep limit must be a non-negative integer') end
if ARGV[4] == nil or ARGV[4] == '' then return fail('VALIDATION', 'channelName must not be empty') end
if ARGV[5] == '1' and ARGV[6] == nil then return fail('VALIDATION', 'openingData flag set without data') end

local now = now_ms()
deny_oom(KEYS[5]) -- refuse the whole script under maxmemory before the sweep deletes anything
sweep_expired(now, limit)
remove_channel(id)
redis.call('HSET', KEYS[1], id, ARGV[4])
if ARGV[5] == '1' then redis.call('HSET', KEYS[2], id, ARGV[6]) end
touch(id, now, ttl)
return 1
