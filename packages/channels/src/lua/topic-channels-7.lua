-- Lists the live channel ids subscribed to a topic (expired ids are left out).
-- KEYS: the 7 store keys (see includes/channel-keys.lua)
-- ARGV[1] escaped topic
-- Returns an array of escaped channel ids
--- @include "fail"
--- @include "server-time"
--- @include "channel-keys"
local topic = ARGV[1]
if topic == nil or topic == '' then return fail('VALIDATION', 'topic must not be empty') end
local now = now_ms()
local prefix_len = string.len(topic) + 2
local out = {}
for _, member in ipairs(pair_members(KEYS[6], topic)) do
  local id = string.sub(member, prefix_len)
  if not is_expired(id, now) then out[#out + 1] = id end
end
return out
