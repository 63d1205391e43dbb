-- Pages the global session index in id order, skipping sessions whose retention ran
-- out (by this node's clock). Also prunes up to ARGV[3] expired sessions per call, so
-- the index does not keep growing with sessions that expired.
-- KEYS[1] sessions by id (all scores 0)   KEYS[2] sessions by expiry
-- ARGV[1] exclusive lower bound: '' to start, else the cursor of the previous page
-- ARGV[2] page size (>= 1)   ARGV[3] how many expired sessions to prune at most
-- Returns { ids, next } where next is the cursor for the following page or '' at the end
-- (a page may hold fewer live ids than asked when it met expired ones)
--- @include "fail"
--- @include "server-time"
--- @include "usage-args"
if not is_uint(ARGV[2]) or ARGV[2] == '0' or not is_uint(ARGV[3]) then
  return fail('VALIDATION', 'bad page size')
end
local now = now_ms()
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(expired) do
  redis.call('ZREM', KEYS[2], id)
  redis.call('ZREM', KEYS[1], id)
end
local from = '-'
if ARGV[1] ~= '' then from = '(' .. ARGV[1] end
local page = redis.call('ZRANGEBYLEX', KEYS[1], from, '+', 'LIMIT', 0, tonumber(ARGV[2]))
local live = {}
for _, id in ipairs(page) do
  local expiry = tonumber(redis.call('ZSCORE', KEYS[2], id) or '0')
  if expiry > now then live[#live + 1] = id end
end
local next = ''
if #page > 0 then
  local last = page[#page]
  if #redis.call('ZRANGEBYLEX', KEYS[1], '(' .. last, '+', 'LIMIT', 0, 1) > 0 then next = last end
end
return { live, next }
