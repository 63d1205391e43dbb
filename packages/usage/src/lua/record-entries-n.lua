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
-- text ('RSERR VALIDATION ...', 'RSERR CONFLICT ...', 'RSERR CORRUPT_DATA ...' or Redis' own,
-- such as OOM); an entry that gets an error leaves nothing behind (see rollback) and the
-- others go on.
-- Rollup fields: n (entries), tokm.<part>.<model>, toolx.ok|fail|ms.<tool>,
-- sub.ok|fail|ms, suba.<agent>, subs.<sub-session>, cus.count|sum|min|max.<metric> (the sum
-- is a double added in recording order); totals and time/step bounds are derived when read
-- (read-rollup).
--- @include "usage-args"
--- @include "pcall-error"

local STRIDE = 12
local n = #KEYS / 8
if n < 1 or n ~= math.floor(n) or #ARGV ~= 1 + n * STRIDE then
  return redis.error_reply('RSERR VALIDATION record-entries takes 8 keys and 12 arguments per entry')
end
local ttl = ARGV[1]
if not is_uint(ttl) then return redis.error_reply('RSERR VALIDATION ttl must be a non-negative integer') end
local KIND_KEY = { tokens = 5, tool = 6, subagent = 7, custom = 8 }

local function invalid(message) return 'RSERR VALIDATION ' .. message end

-- Sliding expiry of the whole session. All keys are refreshed together, so the rollup's
-- TTL stands for all of them: while it is within 1% (at most 60 s) of the full TTL nothing
-- needs refreshing, except a kind index this entry may have just created.
local fresh_above = tonumber(ttl) * 1000
fresh_above = fresh_above - math.min(60000, math.floor(fresh_above / 100))
local function slide(k, kind_key)
  if ttl == '0' then return end
  if redis.call('PTTL', k[2]) >= fresh_above then
    if kind_key and redis.call('PTTL', k[kind_key]) == -1 then redis.call('EXPIRE', k[kind_key], ttl) end
    return
  end
  for j = 1, 8 do redis.call('EXPIRE', k[j], ttl) end
end

-- Shortest of %.15g/%.17g that reads back as the same double.
local function float_text(x)
  local s = string.format('%.15g', x)
  if tonumber(s) == x then return s end
  return string.format('%.17g', x)
end

local function same_body(a, b, whole)
  if whole then return a == b end
  local pattern = ',"timestamp":%d+}$'
  return string.gsub(a, pattern, '}') == string.gsub(b, pattern, '}')
end

-- Checks the arguments; returns an error text or nil.
local function check(a)
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
  elseif not is_finite(a[8]) then
    return invalid('custom value must be a finite number')
  end
  return nil
end

-- The rollup counters an entry adds to, n (the entry count) first, and the increments
-- ('0': nothing to add).
local function counters(a)
  local kind, name = a[3], a[7]
  if kind == 'tokens' then
    return { 'n', 'tokm.prompt.' .. name, 'tokm.completion.' .. name, 'tokm.reasoning.' .. name, 'tokm.cached.' .. name,
      'tokm.total.' .. name, 'tokm.calls.' .. name }, { 1, a[8], a[9], a[10], a[11], a[12], 1 }
  elseif kind == 'tool' then
    return { 'n', (a[8] == '1' and 'toolx.ok.' or 'toolx.fail.') .. name, 'toolx.ms.' .. name }, { 1, 1, a[9] }
  elseif kind == 'subagent' then
    return { 'n', a[9] == '1' and 'sub.ok' or 'sub.fail', 'sub.ms', 'suba.' .. name, 'subs.' .. a[8] }, { 1, 1, a[10], 1, 1 }
  end
  return { 'n', 'cus.count.' .. name }, { 1, 1 }
end

-- Writes below use redis.pcall. Once a script has written, Redis lets it go on writing, so a
-- later write fails only on corrupt data (a key of another type, a rollup field that is not a
-- number): the entry's earlier writes are then undone and the entry alone is reported, never
-- half-recorded. Any other refusal (such as OOM or READONLY) is passed on as Redis' own error.
-- The entry's reply for a write that failed with `err` (or a stored value found bad).
local function refused(id, err)
  if string.find(err, 'overflow', 1, true) then return invalid('entry ' .. id .. ' would overflow a rollup counter') end
  if string.find(err, '^WRONGTYPE') or string.find(err, 'not an integer', 1, true) or string.find(err, 'not a number', 1, true) then
    return 'RSERR CORRUPT_DATA entry ' .. id .. ' not recorded, the session holds corrupt data: ' .. err
  end
  return err
end

-- A custom entry's metric: its stored sum, min and max, then the new sum; or nil and an error.
local function read_custom(r, a)
  local name = a[7]
  local got = redis.pcall('HMGET', r, 'cus.sum.' .. name, 'cus.min.' .. name, 'cus.max.' .. name)
  if pcall_error(got) then return nil, refused(a[1], got.err) end
  for j, part in ipairs({ 'sum', 'min', 'max' }) do
    if got[j] and not is_finite(got[j]) then
      return nil, refused(a[1], 'rollup field cus.' .. part .. '.' .. name .. ' is not a number')
    end
  end
  local sum = (tonumber(got[1]) or 0) + tonumber(a[8])
  if sum ~= sum or sum == math.huge or sum == -math.huge then return nil, invalid('custom metric sum would overflow') end
  got[4] = float_text(sum)
  return got
end

-- Sets a custom metric's sum, and its min and max when the value passes them.
local function set_custom(r, a, custom)
  local name, value = a[7], a[8]
  local args = { 'cus.sum.' .. name, custom[4] }
  if not custom[2] or tonumber(value) < tonumber(custom[2]) then
    args[#args + 1], args[#args + 2] = 'cus.min.' .. name, value
  end
  if not custom[3] or tonumber(value) > tonumber(custom[3]) then
    args[#args + 1], args[#args + 2] = 'cus.max.' .. name, value
  end
  return redis.pcall('HSET', r, unpack(args))
end

-- Undoes an entry's writes after one failed: `zsets` index members added, the custom metric
-- (when set), the first `counted` counters and the entry itself.
local function rollback(k, a, fields, deltas, counted, custom, member, zsets)
  local r, name = k[2], a[7]
  for j = zsets, 1, -1 do redis.call('ZREM', j == 3 and k[KIND_KEY[a[3]]] or k[2 + j], member) end
  if custom then
    for j, part in ipairs({ 'sum', 'min', 'max' }) do
      if custom[j] then redis.call('HSET', r, 'cus.' .. part .. '.' .. name, custom[j])
      else redis.call('HDEL', r, 'cus.' .. part .. '.' .. name) end
    end
  end
  for j = counted, 1, -1 do
    if deltas[j] ~= '0' then redis.call('HINCRBY', r, fields[j], -tonumber(deltas[j])) end
  end
  redis.call('HDEL', k[1], a[1])
end

local function record(k, a)
  local problem = check(a)
  if problem then return problem end
  local id, body, kind, ts, step = a[1], a[2], a[3], a[4], a[5]
  local r, custom = k[2], nil
  if kind == 'custom' then
    custom, problem = read_custom(r, a)
    if not custom then return problem end
  end
  local res = redis.pcall('HSETNX', k[1], id, body)
  if pcall_error(res) then return refused(id, res.err) end
  if res == 0 then
    if not same_body(redis.call('HGET', k[1], id), body, a[6] == '1') then
      return 'RSERR CONFLICT entry id ' .. id .. ' was already recorded with a different body'
    end
    slide(k, nil)
    return 0
  end
  local fields, deltas = counters(a)
  local seq
  for j = 1, #fields do
    if deltas[j] ~= '0' then
      res = redis.pcall('HINCRBY', r, fields[j], deltas[j])
      if pcall_error(res) then
        rollback(k, a, fields, deltas, j - 1, nil, nil, 0)
        return refused(id, res.err)
      end
      seq = seq or res
    end
  end
  if custom then
    res = set_custom(r, a, custom)
    if pcall_error(res) then
      rollback(k, a, fields, deltas, #fields, nil, nil, 0)
      return refused(id, res.err)
    end
  end
  local member = string.format('%016d', seq) .. '|' .. kind .. '|' .. step .. '|' .. ts .. '|' .. id
  local kind_key = KIND_KEY[kind]
  res = redis.pcall('ZADD', k[3], ts, member)
  local zsets = 0
  if not pcall_error(res) then
    zsets = 1
    res = redis.pcall('ZADD', k[4], step, member)
  end
  if not pcall_error(res) then
    zsets = 2
    res = redis.pcall('ZADD', k[kind_key], ts, member)
  end
  if pcall_error(res) then
    rollback(k, a, fields, deltas, #fields, custom, member, zsets)
    return refused(id, res.err)
  end
  slide(k, kind_key)
  return 1
end

local out = {}
for i = 1, n do
  local x, y = 8 * (i - 1), 1 + STRIDE * (i - 1)
  -- Table constructors size the tables once.
  local k = { KEYS[x + 1], KEYS[x + 2], KEYS[x + 3], KEYS[x + 4], KEYS[x + 5], KEYS[x + 6], KEYS[x + 7], KEYS[x + 8] }
  local a = { ARGV[y + 1], ARGV[y + 2], ARGV[y + 3], ARGV[y + 4], ARGV[y + 5], ARGV[y + 6], ARGV[y + 7], ARGV[y + 8],
    ARGV[y + 9], ARGV[y + 10], ARGV[y + 11], ARGV[y + 12] }
  out[i] = record(k, a)
end
return out
