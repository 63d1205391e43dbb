-- Submission store helpers. Every submission script takes the same 13 KEYS:
-- 1 rows (hash id -> row JSON: our own fields, all strings), 2 payloads (hash id -> user
-- payload, opaque), 3 chunk counts (hash id -> number of attachment chunks Flue split out,
-- stored in the submission's own chunk hash), 4 obligations
-- (hash id -> reserved settlement record, opaque), 5 seq counter, 6 unsettled zset,
-- 7 queued zset, 8 running zset, 9 leases zset (score = lease expiry), 10 sessions
-- (lex zset `<escSession>:<seq16>:<id>`), 11 pending settlements zset, 12 joins
-- (lex zset `<escHost>:<seq16>:<id>`), 13 settled zset (score = settledAt).
-- Payloads never pass through cjson; rows hold only strings this package writes.
--- @include "fail"

-- The stored row, nil when there is none, or nil and a CORRUPT_DATA reply when the row is not
-- one this package wrote. Checked here because the writes below index a row by these fields,
-- and a script must stop before its first write: Redis keeps writes made before an error.
local function load_row(id)
  local raw = redis.call('HGET', KEYS[1], id)
  if not raw then return nil end
  local ok, row = pcall(cjson.decode, raw)
  if not ok or type(row) ~= 'table' or row.id ~= id or not tonumber(row.seq) or type(row.sm) ~= 'string'
    or type(row.sesc) ~= 'string' or type(row.hm) ~= 'string' then
    return nil, fail('CORRUPT_DATA', 'stored row of submission ' .. id .. ' is corrupt')
  end
  return row
end

local function save_row(row)
  redis.call('HSET', KEYS[1], row.id, cjson.encode(row))
end

local function seq16(row)
  return string.format('%016d', tonumber(row.seq))
end

local function leave_status(row)
  local s = row.status
  if s == 'queued' then
    redis.call('ZREM', KEYS[7], row.id)
  elseif s == 'running' then
    redis.call('ZREM', KEYS[8], row.id)
    redis.call('ZREM', KEYS[9], row.id)
  elseif s == 'terminalizing' then
    redis.call('ZREM', KEYS[11], row.id)
  elseif (s == 'joining' or s == 'joined') and row.jm then
    redis.call('ZREM', KEYS[12], row.jm)
  end
end

local function enter_status(row, now)
  local s = row.status
  local seq = tonumber(row.seq)
  if s == 'queued' then
    redis.call('ZADD', KEYS[7], seq, row.id)
  elseif s == 'running' then
    redis.call('ZADD', KEYS[8], seq, row.id)
    local lease = tonumber(row.lease or '0') or 0
    if lease > 0 then redis.call('ZADD', KEYS[9], lease, row.id) end
  elseif s == 'terminalizing' then
    if row.ob then redis.call('ZADD', KEYS[11], seq, row.id) end
  elseif s == 'joining' or s == 'joined' then
    redis.call('ZADD', KEYS[12], 0, row.jm)
  elseif s == 'settled' then
    redis.call('ZREM', KEYS[6], row.id)
    redis.call('ZREM', KEYS[10], row.sm)
    redis.call('ZADD', KEYS[13], tonumber(row.settled) or now, row.id)
    redis.call('HDEL', KEYS[4], row.id)
  end
end

-- Moves a row to a status (or re-indexes it in place) and saves it.
local function set_status(row, status, now)
  leave_status(row)
  row.status = status
  enter_status(row, now)
  save_row(row)
end

local function settle(row, err, now)
  row.err = err
  row.settled = tostring(now)
  row.ob = nil
  row.oberr = nil
  set_status(row, 'settled', now)
end

-- The deliveries joined into a host, read and checked before the host's settlement writes
-- anything: {member, row or false} in index order, or nil and a CORRUPT_DATA reply.
local function joined_into(host)
  local prefix = host.hm .. ':'
  local members = redis.call('ZRANGEBYLEX', KEYS[12], '[' .. prefix, '[' .. prefix .. '\255')
  local plan = {}
  for i, member in ipairs(members) do
    local row, bad = load_row(string.sub(member, #prefix + 18))
    if bad then return nil, bad end
    if row and row.joined ~= host.id then row = nil end
    plan[i] = { member, row or false }
  end
  return plan
end

-- Joined deliveries settle with their host; joining stragglers go back to the queue.
local function fan_out(plan, err, now)
  for _, entry in ipairs(plan) do
    local member, row = entry[1], entry[2]
    if row then
      if row.status == 'joined' then
        settle(row, err, now)
      elseif row.status == 'joining' then
        leave_status(row)
        row.joined = nil
        row.jm = nil
        row.status = 'queued'
        enter_status(row, now)
        save_row(row)
      end
    else
      redis.call('ZREM', KEYS[12], member)
    end
  end
end

-- Retention: drops at most `limit` rows settled before `now - retention_ms`. Rows with a chunk
-- hash are left in place and returned: their chunk key is not among these KEYS, so the caller
-- drops each with drop-settled (row and chunk hash together).
local function prune(retention_ms, now, limit)
  local chunked = {}
  if retention_ms <= 0 then return chunked end
  local ids = redis.call('ZRANGEBYSCORE', KEYS[13], '-inf', now - retention_ms, 'LIMIT', 0, limit)
  for _, id in ipairs(ids) do
    if redis.call('HEXISTS', KEYS[3], id) == 1 then
      table.insert(chunked, id)
    else
      redis.call('HDEL', KEYS[1], id)
      redis.call('HDEL', KEYS[2], id)
      redis.call('HDEL', KEYS[4], id)
      redis.call('ZREM', KEYS[13], id)
    end
  end
  return chunked
end

-- One row as a reply: {row JSON, payload, chunk count or '', obligation or ''}.
local function row_reply(row)
  return {
    cjson.encode(row),
    redis.call('HGET', KEYS[2], row.id) or '',
    redis.call('HGET', KEYS[3], row.id) or '',
    redis.call('HGET', KEYS[4], row.id) or '',
  }
end

local function session_head(row)
  local prefix = row.sesc .. ':'
  local first = redis.call('ZRANGEBYLEX', KEYS[10], '[' .. prefix, '[' .. prefix .. '\255', 'LIMIT', 0, 1)[1]
  if not first then return nil end
  return string.sub(first, #prefix + 18)
end

local function running_as(id, attempt)
  local row, bad = load_row(id)
  if bad then return nil, bad end
  if row and row.status == 'running' and row.attempt == attempt then return row end
  return nil
end
