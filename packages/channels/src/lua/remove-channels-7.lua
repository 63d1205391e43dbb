-- Removes channels with their state and subscriptions, all in one atomic step.
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] sweep limit, ARGV[2..n] escaped channel ids
-- Returns the number of channel records that existed
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
local limit = tonumber(ARGV[1])
if limit == nil or limit < 0 then return fail('VALIDATION', 'sweep limit must be a non-negative integer') end
for i = 2, #ARGV do
  if ARGV[i] == '' then return fail('VALIDATION', 'channel id must not be empty') end
end
local removed = 0
for i = 2, #ARGV do removed = removed + remove_channel(ARGV[i]) end
sweep_expired(now_ms(), limit)
return removed
