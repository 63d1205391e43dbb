-- Records one usage entry of a session: stores it, indexes it and folds it into the
-- session rollup, all at once. Idempotent by entry id: the same id with the same body
-- is a no-op (only the TTL slides); the same id with another body is a CONFLICT.
-- KEYS[1] entries hash (id -> entry JSON)   KEYS[2] rollup hash
-- KEYS[3] by-time zset   KEYS[4] by-step zset
-- KEYS[5..8] by-time zsets of kinds tokens, tool, subagent, custom
-- ARGV[1] ttl seconds (0 = no expiry)   ARGV[2] entry id   ARGV[3] entry JSON (opaque)
-- ARGV[4] kind   ARGV[5] timestamp ms   ARGV[6] step
-- ARGV[7] '1': a retry must match the whole body; '0': the timestamp was defaulted by the
--         client, so compare bodies without their last member (always ,"timestamp":N)
-- tokens:   ARGV[8] model  ARGV[9] prompt  ARGV[10] completion  ARGV[11] reasoning
--           ARGV[12] cached  ARGV[13] total
-- tool:     ARGV[8] tool name  ARGV[9] success 1/0  ARGV[10] duration ms
-- subagent: ARGV[8] agent name  ARGV[9] sub-session id  ARGV[10] success 1/0  ARGV[11] duration ms
-- custom:   ARGV[8] metric name  ARGV[9] value (finite number)
-- Returns 1 when recorded, 0 when this id was already recorded with the same body;
-- RSERR VALIDATION on bad arguments, RSERR CONFLICT on an id reused with another body.
--- @include "fail"
--- @include "usage-args"

local ttl = ARGV[1]
local id, body, kind = ARGV[2], ARGV[3], ARGV[4]
local ts, step = ARGV[5], ARGV[6]
if not is_uint(ttl) then return fail('VALIDATION', 'ttl must be a non-negative integer') end
if id == '' then return fail('VALIDATION', 'entry id must not be empty') end
if not is_uint(ts) or not is_uint(step) then
  return fail('VALIDATION', 'timestamp and step must be non-negative integers')
end
local kind_key = ({ tokens = 5, tool = 6, subagent = 7, custom = 8 })[kind]
if kind_key == nil then return fail('VALIDATION', 'unknown entry kind ' .. tostring(kind)) end

-- Sliding expiry of the whole session. All keys are refreshed together, so the rollup's
-- TTL stands for all of them: while it is within 1% (at most 60 s) of the full TTL nothing
-- needs refreshing, except a kind index this entry may have just created.
local function slide(written_kind_key)
  if ttl == '0' then return end
  local full = tonumber(ttl) * 1000
  local remaining = redis.call('PTTL', KEYS[2])
  if remaining >= full - math.min(60000, math.floor(full / 100)) then
    if written_kind_key and redis.call('PTTL', KEYS[written_kind_key]) == -1 then
      redis.call('EXPIRE', KEYS[written_kind_key], ttl)
    end
    return
  end
  for i = 1, 8 do redis.call('EXPIRE', KEYS[i], ttl) end
end

if not is_flag(ARGV[7]) then return fail('VALIDATION', 'compare mode must be 0 or 1') end
local function comparable(json)
  if ARGV[7] == '1' then return json end
  return (string.gsub(json, ',"timestamp":%d+}$', '}'))
end

local existing = redis.call('HGET', KEYS[1], id)
if existing then
  if comparable(existing) ~= comparable(body) then
    return fail('CONFLICT', 'entry id ' .. id .. ' was already recorded with a different body')
  end
  slide()
  return 0
end

-- Validate the kind-specific arguments before the first write.
if kind == 'tokens' then
  for i = 9, 13 do
    if not is_uint(ARGV[i]) then return fail('VALIDATION', 'token counts must be non-negative integers') end
  end
elseif kind == 'tool' then
  if not is_flag(ARGV[9]) or not is_uint(ARGV[10]) then
    return fail('VALIDATION', 'tool entry needs success 0/1 and an integer duration')
  end
elseif kind == 'subagent' then
  if ARGV[9] == '' or not is_flag(ARGV[10]) or not is_uint(ARGV[11]) then
    return fail('VALIDATION', 'subagent entry needs a sub-session id, success 0/1 and an integer duration')
  end
else
  if not is_finite(ARGV[9]) then return fail('VALIDATION', 'custom value must be a finite number') end
  -- HINCRBYFLOAT refuses a non-finite result after earlier writes; check first.
  local sum = redis.call('HGET', KEYS[2], 'cus.sum.' .. tostring(ARGV[8]))
  if sum and not is_finite(tostring(tonumber(sum) + tonumber(ARGV[9]))) then
    return fail('VALIDATION', 'custom metric sum would overflow')
  end
end
if ARGV[8] == nil or ARGV[8] == '' then return fail('VALIDATION', 'entry name/model must not be empty') end

local r = KEYS[2]
local seq = redis.call('HINCRBY', r, 'n', 1)
redis.call('HSET', KEYS[1], id, body)
local member = string.format('%016d', seq) .. '|' .. kind .. '|' .. step .. '|' .. ts .. '|' .. id
redis.call('ZADD', KEYS[3], ts, member)
redis.call('ZADD', KEYS[4], step, member)
redis.call('ZADD', KEYS[kind_key], ts, member)

local bounds = redis.call('HMGET', r, 'ts.first', 'ts.last', 'step.max')
local changed = {}
if not bounds[1] or tonumber(ts) < tonumber(bounds[1]) then table.insert(changed, 'ts.first'); table.insert(changed, ts) end
if not bounds[2] or tonumber(ts) > tonumber(bounds[2]) then table.insert(changed, 'ts.last'); table.insert(changed, ts) end
if not bounds[3] or tonumber(step) > tonumber(bounds[3]) then table.insert(changed, 'step.max'); table.insert(changed, step) end
if #changed > 0 then redis.call('HSET', r, unpack(changed)) end

local name = ARGV[8]
if kind == 'tokens' then
  local parts = { 'prompt', 'completion', 'reasoning', 'cached', 'total' }
  for i, part in ipairs(parts) do
    redis.call('HINCRBY', r, 'tok.' .. part, ARGV[8 + i])
    redis.call('HINCRBY', r, 'tokm.' .. part .. '.' .. name, ARGV[8 + i])
  end
  redis.call('HINCRBY', r, 'tok.calls', 1)
  redis.call('HINCRBY', r, 'tokm.calls.' .. name, 1)
elseif kind == 'tool' then
  local outcome = ARGV[9] == '1' and 'ok' or 'fail'
  for _, f in ipairs({ 'tool.calls', 'tool.' .. outcome, 'toolx.calls.' .. name, 'toolx.' .. outcome .. '.' .. name }) do
    redis.call('HINCRBY', r, f, 1)
  end
  redis.call('HINCRBY', r, 'tool.ms', ARGV[10])
  redis.call('HINCRBY', r, 'toolx.ms.' .. name, ARGV[10])
elseif kind == 'subagent' then
  local outcome = ARGV[10] == '1' and 'ok' or 'fail'
  for _, f in ipairs({ 'sub.calls', 'sub.' .. outcome, 'suba.' .. name, 'subs.' .. ARGV[9] }) do
    redis.call('HINCRBY', r, f, 1)
  end
  redis.call('HINCRBY', r, 'sub.ms', ARGV[11])
else
  local value = ARGV[9]
  redis.call('HINCRBY', r, 'cus.count.' .. name, 1)
  redis.call('HINCRBYFLOAT', r, 'cus.sum.' .. name, value)
  local lo = redis.call('HGET', r, 'cus.min.' .. name)
  if not lo or tonumber(value) < tonumber(lo) then redis.call('HSET', r, 'cus.min.' .. name, value) end
  local hi = redis.call('HGET', r, 'cus.max.' .. name)
  if not hi or tonumber(value) > tonumber(hi) then redis.call('HSET', r, 'cus.max.' .. name, value) end
end

slide(kind_key)
return 1
