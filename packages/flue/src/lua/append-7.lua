-- Appends one canonical batch under one offset, all-or-nothing, after the producer fence,
-- the exact-retry check, the sequence check and the submission fence; publishes a notice.
-- KEYS: 1 stream meta, 2 batches hash (n -> data or '~token'), 3 batch meta hash
--       (n -> digest\nsubmissionId\nattemptId), 4 producer sequence hash (epoch:seq -> n),
--       5 staged spill hash (big batches: piece index -> bytes; otherwise unused), 6 submission rows,
--       7 submission obligations.
-- ARGV: 1 producer id, 2 epoch, 3 incarnation, 4 producer sequence, 5 data digest,
--       6 submission id or '', 7 attempt id or '', 8 'inline' or 'spill', 9 data or spill token,
--       10 record count, 11 notify channel, 12 JSON of a lone owned submission_settled record
--       or '', 13 owned record count n, then n x (submissionId, attemptId, type, id) where ids
--       are '+value' when present and '-' when absent.
-- Returns: the batch number n (offset), new or the original one for an exact retry.
--- @include "fail"
--- @include "pcall-error"
local function reject(reason)
  if ARGV[8] == 'spill' then redis.call('DEL', KEYS[5]) end
  return fail('STREAM', reason)
end
local function rowof(id)
  local raw = redis.call('HGET', KEYS[6], id)
  if not raw then return nil end
  return cjson.decode(raw)
end
if tonumber(ARGV[10]) == nil or tonumber(ARGV[10]) < 1 then return reject('A canonical batch cannot be empty.') end
local meta = redis.call('HMGET', KEYS[1], 'pid', 'epoch', 'inc', 'nseq', 'next', 'agent', 'inst')
if not meta[1] then return reject('Stream does not exist.') end
if meta[1] ~= ARGV[1] or meta[2] ~= ARGV[2] or meta[3] ~= ARGV[3] then return reject('Producer ownership is stale.') end
local sid, aid = ARGV[6], ARGV[7]
local prior = redis.call('HGET', KEYS[4], ARGV[2] .. ':' .. ARGV[4])
if prior then
  if redis.call('HGET', KEYS[3], prior) ~= ARGV[5] .. '\n' .. sid .. '\n' .. aid then
    return reject('Producer sequence has conflicting content.')
  end
  if ARGV[8] == 'spill' then redis.call('DEL', KEYS[5]) end
  return tonumber(prior)
end
if meta[4] ~= ARGV[4] then return reject('Producer sequence is not the next expected value.') end

local owned = tonumber(ARGV[13]) or 0
if sid == '' then
  if owned > 0 then return reject('Submission-owned records require an attempt authorization.') end
else
  local first_type, first_id
  for i = 0, owned - 1 do
    local rsid, raid, rtype, rid = ARGV[14 + i * 4], ARGV[15 + i * 4], ARGV[16 + i * 4], ARGV[17 + i * 4]
    if i == 0 then first_type, first_id = rtype, rid end
    if not (rsid == '+' .. sid and raid == '+' .. aid) then
      local ok = false
      if raid == '+' .. aid and rsid ~= '-' then
        local delivery = rowof(string.sub(rsid, 2))
        ok = delivery ~= nil and (delivery.status == 'joining' or delivery.status == 'joined') and delivery.joined == sid
      end
      if not ok then return reject('Record ownership does not match the authorized submission attempt.') end
    end
  end
  local row = rowof(sid)
  local settling = row ~= nil and row.status == 'terminalizing' and tonumber(ARGV[10]) == 1 and owned == 1
    and first_type == '+submission_settled' and row.ob ~= nil and first_id == '+' .. row.ob
    and ARGV[12] ~= '' and redis.call('HGET', KEYS[7], sid) == ARGV[12]
  if not row or (row.status ~= 'running' and not settling) or row.attempt ~= aid
    or row.agent ~= meta[6] or row.inst ~= meta[7] then
    return reject('Submission attempt no longer owns work for this agent instance.')
  end
end

if not (meta[5] and string.find(meta[5], '^%d+$')) then
  return fail('CORRUPT_DATA', 'stream batch counter is not an integer')
end
local n = tonumber(meta[5])
local data = ARGV[9]
if ARGV[8] == 'spill' then
  if redis.call('EXISTS', KEYS[5]) == 0 then return fail('STREAM', 'Staged batch data is missing.') end
  data = '~' .. ARGV[9]
end
-- The two batch hashes are the only keys written below that nothing above has read: one of
-- another type is reported, undoing the batch stored before it rather than leaving it behind.
if pcall_error(redis.pcall('HSET', KEYS[2], n, data)) then
  return fail('CORRUPT_DATA', 'stream batches are not a hash')
end
if pcall_error(redis.pcall('HSET', KEYS[3], n, ARGV[5] .. '\n' .. sid .. '\n' .. aid)) then
  redis.call('HDEL', KEYS[2], n)
  return fail('CORRUPT_DATA', 'stream batch meta is not a hash')
end
redis.call('HSET', KEYS[4], ARGV[2] .. ':' .. ARGV[4], n)
redis.call('HSET', KEYS[1], 'next', n + 1, 'nseq', tonumber(ARGV[4]) + 1)
-- Last: the staged spill keeps its TTL until the batch is in place.
if ARGV[8] == 'spill' then redis.call('PERSIST', KEYS[5]) end
redis.call('PUBLISH', ARGV[11], n)
return n
