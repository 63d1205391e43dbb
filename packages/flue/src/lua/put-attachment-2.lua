-- Stores an immutable attachment once. Big attachments arrive staged as pieces in a hash
-- (p0, p1, ...) and are moved into place by RENAME, so no command copies the whole payload.
-- A second put returns what is stored so the caller can tell an exact retry from a conflict.
-- KEYS: 1 the attachment hash, 2 the staging hash (same slot; unused for inline puts).
-- ARGV: 1 conversation id, 2 attachment ref JSON (opaque), 3 'inline' or 'staged',
--       4 bytes (inline) or piece count (staged).
-- Returns: {} when stored now, else {stored conversation id, stored ref JSON}.
--- @include "fail"
if ARGV[3] ~= 'inline' and ARGV[3] ~= 'staged' then return fail('VALIDATION', 'bad put mode') end
if redis.call('EXISTS', KEYS[1]) == 1 then
  if ARGV[3] == 'staged' then redis.call('DEL', KEYS[2]) end
  return redis.call('HMGET', KEYS[1], 'conv', 'ref')
end
if ARGV[3] == 'staged' then
  local pieces = tonumber(ARGV[4])
  if not pieces or redis.call('HLEN', KEYS[2]) ~= pieces then
    redis.call('DEL', KEYS[2])
    return fail('CORRUPT_DATA', 'staged attachment pieces are missing')
  end
  redis.call('RENAME', KEYS[2], KEYS[1])
  redis.call('PERSIST', KEYS[1])
  redis.call('HSET', KEYS[1], 'conv', ARGV[1], 'ref', ARGV[2], 'n', pieces)
else
  redis.call('HSET', KEYS[1], 'conv', ARGV[1], 'ref', ARGV[2], 'n', 0, 'bytes', ARGV[4])
end
return {}
