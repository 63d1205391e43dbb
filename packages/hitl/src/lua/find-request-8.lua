-- Reads one request, by id or through an index hash (token -> id, external id -> id).
-- KEYS[1] index hash (read only when ARGV[1] is 'index')
-- KEYS[2..8] request field hashes: core, status, created-at, result, resolved-at, ext, ext-ids
-- ARGV[1] 'id' or 'index'   ARGV[2] the request id, or the index field (token / external id)
-- Returns a list of zero or one request row (see includes/read-requests.lua)
--- @include "fail"
--- @include "read-requests"
if (ARGV[1] ~= 'id' and ARGV[1] ~= 'index') or ARGV[2] == nil or ARGV[2] == '' then
  return fail('VALIDATION', 'find needs a mode and a value')
end
local id = ARGV[2]
if ARGV[1] == 'index' then
  id = redis.call('HGET', KEYS[1], ARGV[2])
  if not id then return {} end
end
return read_requests({ id })
