-- Admits a submission once (idempotent insert keyed by submission id). Attachment chunks
-- Flue split out of the payload arrive staged in a hash (one field per chunk, written by a
-- pipeline before this script) and are moved into place with RENAME, never copied here.
-- KEYS: the 13 submission keys (see includes/sub-lib.lua), 14 staged chunk hash (unused when
--       there are no chunks), 15 this submission's chunk hash.
-- ARGV: 1 id, 2 sessionKey, 3 escaped sessionKey, 4 escaped id, 5 agent, 6 instance id,
--       7 kind, 8 acceptedAt ms, 9 payload JSON, 10 staged chunk count, 11 default max attempts.
-- Returns: {1 if created else 0, row JSON, payload, chunk count, obligation}.
--- @include "sub-lib"
if ARGV[7] ~= 'dispatch' and ARGV[7] ~= 'direct' then return redis.error_reply('RSERR VALIDATION bad kind') end
local chunks = tonumber(ARGV[10])
if not tonumber(ARGV[8]) or not tonumber(ARGV[11]) or not chunks then return redis.error_reply('RSERR VALIDATION bad number') end
if chunks > 0 and redis.call('HLEN', KEYS[14]) ~= chunks then
  redis.call('DEL', KEYS[14])
  return redis.error_reply('RSERR CORRUPT_DATA staged submission chunks are missing')
end
local existing, bad = load_row(ARGV[1])
if bad then return bad end
if existing then
  if chunks > 0 then redis.call('DEL', KEYS[14]) end
  local reply = row_reply(existing)
  table.insert(reply, 1, 0)
  return reply
end
local seq = redis.call('INCR', KEYS[5])
local row = {
  id = ARGV[1], seq = tostring(seq), session = ARGV[2], sesc = ARGV[3], hm = ARGV[4],
  agent = ARGV[5], inst = ARGV[6], kind = ARGV[7], accepted = ARGV[8], status = 'queued',
  count = '0', max = ARGV[11], timeout = '0', lease = '0',
}
row.sm = row.sesc .. ':' .. seq16(row) .. ':' .. row.id
redis.call('HSET', KEYS[2], row.id, ARGV[9])
if chunks > 0 then
  redis.call('RENAME', KEYS[14], KEYS[15])
  redis.call('PERSIST', KEYS[15])
  redis.call('HSET', KEYS[3], row.id, chunks)
end
redis.call('ZADD', KEYS[6], seq, row.id)
redis.call('ZADD', KEYS[10], 0, row.sm)
redis.call('ZADD', KEYS[7], seq, row.id)
save_row(row)
local reply = row_reply(row)
table.insert(reply, 1, 1)
return reply
