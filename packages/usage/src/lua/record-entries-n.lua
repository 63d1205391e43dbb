-- Records usage entries issued in the same tick, in call order, each exactly as if alone:
-- stores it, indexes it and folds it into its session's rollup. Idempotent by entry id: the
-- same id with the same body is a no-op (only the TTL slides); another body is a CONFLICT.
-- KEYS, 8 per entry (entry i from KEYS[8i-7]): entries hash (id -> entry JSON), rollup hash,
--   by-time zset, by-step zset, by-time zsets of kinds tokens, tool, subagent, custom
-- ARGV[1] ttl seconds (0 = no expiry); then 12 per entry (entry i from ARGV[12i-10]):
--   id, entry JSON (opaque), kind, timestamp ms, step,
--   compare mode ('1': a retry must match the whole body; '0': the timestamp was defaulted by
--   the client, so compare bodies without their last member, always ,"timestamp":N),
--   then by kind (unused slots are ''):
--   tokens:   model, prompt, completion, reasoning, cached, total
--   tool:     tool name, success 1/0, duration ms
--   subagent: agent name, sub-session id, success 1/0, duration ms
--   custom:   metric name, value (finite number)
-- Returns one reply per entry: 1 recorded, 0 already recorded with the same body, or an error
-- text 'RSERR VALIDATION ...' / 'RSERR CONFLICT ...' (that entry wrote nothing).
-- Rollup fields: n (entries), tokm.<part>.<model>, toolx.ok|fail|ms.<tool>,
-- sub.ok|fail|ms, suba.<agent>, subs.<sub-session>, cus.count|sum|min|max.<metric>;
-- totals and time/step bounds are derived when read (read-rollup).
--- @include "usage-args"

local STRIDE = 12
local n = #KEYS / 8
if n < 1 or n ~= math.floor(n) or #ARGV ~= 1 + n * STRIDE then
  return redis.error_reply('RSERR VALIDATION record-entries takes 8 keys and 12 arguments per entry')
end
local ttl = ARGV[1]
if not is_uint(ttl) then return redis.error_reply('RSERR VALIDATION ttl must be a non-negative integer') end
local KIND_KEY = { tokens = 5, tool = 6, subagent = 7, custom = 8 }
local TOKEN_PARTS = { 'prompt', 'completion', 'reasoning', 'cached', 'total' }

local function invalid(message) return 'RSERR VALIDATION ' .. message end

-- Sliding expiry of the whole session. All keys are refreshed together, so the rollup's
-- TTL stands for all of them: while it is within 1% (at most 60 s) of the full TTL nothing
-- needs refreshing, except a kind index this entry may have just created.
local function slide(k, kind_key)
  if ttl == '0' then return end
  local full = tonumber(ttl) * 1000
  if redis.call('PTTL', k[2]) >= full - math.min(60000, math.floor(full / 100)) then
    if kind_key and redis.call('PTTL', k[kind_key]) == -1 then redis.call('EXPIRE', k[kind_key], ttl) end
    return
  end
  for j = 1, 8 do redis.call('EXPIRE', k[j], ttl) end
end

local function same_body(a, b, whole)
  if whole then return a == b end
  local pattern = ',"timestamp":%d+}$'
  return string.gsub(a, pattern, '}') == string.gsub(b, pattern, '}')
end

-- Checks everything before the item's first write; returns an error text or nil.
local function check(k, a)
  local id, kind, ts, step, mode, name = a[1], a[3], a[4], a[5], a[6], a[7]
  if id == '' then return invalid('entry id must not be empty') end
  if not is_uint(ts) or not is_uint(step) then return invalid('timestamp and step must be non-negative integers') end
  if not KIND_KEY[kind] then return invalid('unknown entry kind ' .. tostring(kind)) end
  if not is_flag(mode) then return invalid('compare mode must be 0 or 1') end
  if name == '' then return invalid('entry name/model must not be empty') end
  if kind == 'tokens' then
    for j = 8, 12 do
      if not is_uint(a[j]) then return invalid('token counts must be non-negative integers') end
    end
  elseif kind == 'tool' then
    if not is_flag(a[8]) or not is_uint(a[9]) then return invalid('tool entry needs success 0/1 and an integer duration') end
  elseif kind == 'subagent' then
    if a[8] == '' or not is_flag(a[9]) or not is_uint(a[10]) then
      return invalid('subagent entry needs a sub-session id, success 0/1 and an integer duration')
    end
  else
    if not is_finite(a[8]) then return invalid('custom value must be a finite number') end
    -- HINCRBYFLOAT refuses a non-finite result after earlier writes; check first.
    local sum = redis.call('HGET', k[2], 'cus.sum.' .. name)
    if sum and not is_finite(tostring(tonumber(sum) + tonumber(a[8]))) then
      return invalid('custom metric sum would overflow')
    end
  end
  return nil
end

local function fold(r, a)
  local kind, name = a[3], a[7]
  if kind == 'tokens' then
    for j, part in ipairs(TOKEN_PARTS) do
      -- A missing counter reads as 0, so zero increments (often reasoning, cached) are skipped.
      if a[7 + j] ~= '0' then redis.call('HINCRBY', r, 'tokm.' .. part .. '.' .. name, a[7 + j]) end
    end
    redis.call('HINCRBY', r, 'tokm.calls.' .. name, 1)
  elseif kind == 'tool' then
    redis.call('HINCRBY', r, (a[8] == '1' and 'toolx.ok.' or 'toolx.fail.') .. name, 1)
    redis.call('HINCRBY', r, 'toolx.ms.' .. name, a[9])
  elseif kind == 'subagent' then
    redis.call('HINCRBY', r, a[9] == '1' and 'sub.ok' or 'sub.fail', 1)
    redis.call('HINCRBY', r, 'sub.ms', a[10])
    redis.call('HINCRBY', r, 'suba.' .. name, 1)
    redis.call('HINCRBY', r, 'subs.' .. a[8], 1)
  else
    local value = a[8]
    redis.call('HINCRBY', r, 'cus.count.' .. name, 1)
    redis.call('HINCRBYFLOAT', r, 'cus.sum.' .. name, value)
    local lo = redis.call('HGET', r, 'cus.min.' .. name)
    if not lo or tonumber(value) < tonumber(lo) then redis.call('HSET', r, 'cus.min.' .. name, value) end
    local hi = redis.call('HGET', r, 'cus.max.' .. name)
    if not hi or tonumber(value) > tonumber(hi) then redis.call('HSET', r, 'cus.max.' .. name, value) end
  end
end

local function record(k, a)
  local problem = check(k, a)
  if problem then return problem end
  local id, body, kind, ts, step = a[1], a[2], a[3], a[4], a[5]
  if redis.call('HSETNX', k[1], id, body) == 0 then
    if not same_body(redis.call('HGET', k[1], id), body, a[6] == '1') then
      return 'RSERR CONFLICT entry id ' .. id .. ' was already recorded with a different body'
    end
    slide(k, nil)
    return 0
  end
  local seq = redis.call('HINCRBY', k[2], 'n', 1)
  local member = string.format('%016d', seq) .. '|' .. kind .. '|' .. step .. '|' .. ts .. '|' .. id
  local kind_key = KIND_KEY[kind]
  redis.call('ZADD', k[3], ts, member)
  redis.call('ZADD', k[4], step, member)
  redis.call('ZADD', k[kind_key], ts, member)
  fold(k[2], a)
  slide(k, kind_key)
  return 1
end

local out = {}
for i = 1, n do
  local k, a = {}, {}
  for j = 1, 8 do k[j] = KEYS[8 * (i - 1) + j] end
  for j = 1, STRIDE do a[j] = ARGV[1 + STRIDE * (i - 1) + j] end
  out[i] = record(k, a)
end
return out
