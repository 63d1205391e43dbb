-- Subscribes a channel id to a topic (idempotent) and refreshes the channel's TTL. The
-- channel record need not exist yet: the subscription still belongs to the channel id
-- and goes away with removeChannels or TTL expiry of that id.
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] escaped channel id, ARGV[2] ttl ms (0 = none), ARGV[3] sweep limit,
-- ARGV[4] escaped topic
-- Returns 1
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
--- @include "deny-oom"
local id = ARGV[1]
local ttl = parse_ttl(ARGV[2])
local limit = tonumber(ARGV[3])
local topic = ARGV[4]
if id == nil or id == '' then return fail('VALIDATION', 'channel id must not be empty') end
if ttl == nil then return fail('VALIDATION', 'ttl must be a non-negative integer') end
if limit == nil or limit < 0 then return fail('VALIDATION', 'sweep limit must be a non-negative integer') end
if topic == nil or topic == '' then return fail('VALIDATION', 'topic must not be empty') end
local now = now_ms()
deny_oom(KEYS[6]) -- refuse the whole script under maxmemory before the sweep deletes anything
sweep_expired(now, limit)
if is_expired(id, now) then remove_channel(id) end
redis.call('ZADD', KEYS[6], 0, topic .. ':' .. id)
redis.call('ZADD', KEYS[7], 0, id .. ':' .. topic)
touch(id, now, ttl)
return 1
