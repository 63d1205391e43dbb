-- Staged writes: all-or-nothing on corrupt stored data. Redis keeps every write a script made
-- before an error, so the writes that can fail (on a key of another type) go through these
-- helpers with redis.pcall. Each first changes only what it can undo exactly (HSETNX / ZADD NX
-- add what was absent; ZREM removes a score-0 lex member); replacing a value that was already
-- there waits for staged_commit(), which cannot fail once every key's type is proven.
-- Keys are given by their KEYS index k. Each stage_* returns nil, or the error of the failed
-- write: then return staged_abort(err, what). Call staged_commit() once every write is staged.
--- @include "pcall-error"
local staged_undo, staged_later = {}, {}

-- Sets the field only when absent (HSETNX); also returns HSETNX's reply.
local function stage_hsetnx(k, field, value)
  local res = redis.pcall('HSETNX', KEYS[k], field, value)
  if pcall_error(res) then return res.err end
  if res == 1 then staged_undo[#staged_undo + 1] = { 'HDEL', k, field } end
  return nil, res
end

local function stage_hset(k, field, value)
  local err, res = stage_hsetnx(k, field, value)
  if res == 0 then staged_later[#staged_later + 1] = { 'HSET', k, field, value } end
  return err
end

local function stage_zadd(k, score, member)
  local res = redis.pcall('ZADD', KEYS[k], 'NX', score, member)
  if pcall_error(res) then return res.err end
  if res == 1 then
    staged_undo[#staged_undo + 1] = { 'ZREM', k, member }
  else
    staged_later[#staged_later + 1] = { 'ZADD', k, score, member }
  end
end

-- Only for lex indexes, where every score is 0 (see members.lua).
local function stage_zrem(k, member)
  local res = redis.pcall('ZREM', KEYS[k], member)
  if pcall_error(res) then return res.err end
  if res == 1 then staged_undo[#staged_undo + 1] = { 'ZADD', k, 0, member } end
end

-- op = { command, KEYS index, args... }
local function staged_run(op)
  local k = op[2]
  redis.call(op[1], KEYS[k], unpack(op, 3))
end

local function staged_commit()
  for i = 1, #staged_later do staged_run(staged_later[i]) end
end

-- Undoes the staged writes. A key of another type is corrupt data (CORRUPT_DATA, `what` says
-- what was refused); any other refusal (OOM, READONLY) is passed on as Redis' own error.
local function staged_abort(err, what)
  for i = #staged_undo, 1, -1 do staged_run(staged_undo[i]) end
  if string.find(err, 'WRONGTYPE', 1, true) then
    return fail('CORRUPT_DATA', what .. ', nothing was written: ' .. err)
  end
  return redis.error_reply(err)
end
