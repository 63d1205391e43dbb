-- Appends (or replaces, same id) one timeline entry of a thread.
-- KEYS[1] thread zset (score = createdAt ms, member = entry id)   KEYS[2] thread entries hash
-- ARGV[1] entry id   ARGV[2] createdAt ms   ARGV[3] entry JSON (opaque)
-- Returns 1, or RSERR VALIDATION / CORRUPT_DATA
--- @include "fail"
--- @include "staged"
if ARGV[1] == '' or tonumber(ARGV[2]) == nil or ARGV[3] == nil then return fail('VALIDATION', 'needs an id, a time and an entry') end
-- stage_* take KEYS indexes (includes/staged.lua)
local err = stage_zadd(1, ARGV[2], ARGV[1])
if not err then
  -- the last write: nothing after it to undo, so a plain HSET (which also replaces a body)
  local res = redis.pcall('HSET', KEYS[2], ARGV[1], ARGV[3])
  err = pcall_error(res)
end
if err then return staged_abort(err, 'timeline entry ' .. ARGV[1] .. ' not appended, a thread key has the wrong type') end
staged_commit()
return 1
