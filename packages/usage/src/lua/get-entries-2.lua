-- Reads a page of a session's entries through one of its index zsets (the "driver":
-- by-time, by-step or the by-time zset of one kind), so only entries inside the driver's
-- score range are visited. Index members are "seq|kind|step|timestamp|id", so the other
-- filters run on members and only the page's bodies are read.
-- KEYS[1] entries hash   KEYS[2] driver zset
-- ARGV[1] driver min score   ARGV[2] driver max score (inclusive)
-- ARGV[3] kinds, comma separated ('' = every kind)
-- ARGV[4] step min  ARGV[5] step max  ARGV[6] time min  ARGV[7] time max (inclusive)
-- ARGV[8] offset   ARGV[9] limit (-1 = no limit)   ARGV[10] '1' when members need filtering
-- Returns an array of entry JSON strings in driver order (ties: recording order);
-- RSERR VALIDATION on bad arguments, RSERR CORRUPT_DATA when an index names a missing entry.
--- @include "fail"

local lo, hi = tonumber(ARGV[1]), tonumber(ARGV[2])
local step_lo, step_hi = tonumber(ARGV[4]), tonumber(ARGV[5])
local time_lo, time_hi = tonumber(ARGV[6]), tonumber(ARGV[7])
local offset, limit = tonumber(ARGV[8]), tonumber(ARGV[9])
if not (lo and hi and step_lo and step_hi and time_lo and time_hi and offset and limit) then
  return fail('VALIDATION', 'get-entries arguments must be numbers')
end
if offset < 0 or (limit < 0 and limit ~= -1) then return fail('VALIDATION', 'bad offset or limit') end
if hi < lo or limit == 0 then return {} end

-- Ranks [first, last] hold exactly the members whose score is in [lo, hi].
local first = redis.call('ZCOUNT', KEYS[2], '-inf', '(' .. ARGV[1])
local count = redis.call('ZCOUNT', KEYS[2], ARGV[1], ARGV[2])
local last = first + count - 1
local ids = {}

if ARGV[10] ~= '1' then
  local from = first + offset
  local to = last
  if limit ~= -1 and from + limit - 1 < to then to = from + limit - 1 end
  if from <= to then
    for _, m in ipairs(redis.call('ZRANGE', KEYS[2], from, to)) do
      ids[#ids + 1] = string.match(m, '^%d+|%a+|%d+|%d+|(.*)$')
    end
  end
else
  local kinds = nil
  if ARGV[3] ~= '' then
    kinds = {}
    for k in string.gmatch(ARGV[3], '[^,]+') do kinds[k] = true end
  end
  local skipped, rank, chunk = 0, first, 256
  while rank <= last do
    local to = math.min(rank + chunk - 1, last)
    for _, m in ipairs(redis.call('ZRANGE', KEYS[2], rank, to)) do
      local kind, step, ts, id = string.match(m, '^%d+|(%a+)|(%d+)|(%d+)|(.*)$')
      step, ts = tonumber(step), tonumber(ts)
      if (kinds == nil or kinds[kind]) and step >= step_lo and step <= step_hi and ts >= time_lo and ts <= time_hi then
        if skipped < offset then
          skipped = skipped + 1
        else
          ids[#ids + 1] = id
          if limit ~= -1 and #ids >= limit then break end
        end
      end
    end
    if limit ~= -1 and #ids >= limit then break end
    rank = to + 1
  end
end

if #ids == 0 then return {} end
local bodies = {}
-- HMGET in slices keeps the Lua stack small for very long pages.
for i = 1, #ids, 1000 do
  local slice = {}
  for j = i, math.min(i + 999, #ids) do slice[#slice + 1] = ids[j] end
  local got = redis.call('HMGET', KEYS[1], unpack(slice))
  for j, body in ipairs(got) do
    if not body then return fail('CORRUPT_DATA', 'index names missing entry ' .. slice[j]) end
    bodies[#bodies + 1] = body
  end
end
return bodies
