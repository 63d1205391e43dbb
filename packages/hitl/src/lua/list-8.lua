-- One inbox page, newest first by (createdAt ms desc, id desc), strictly after a cursor.
-- KEYS[1] lex index zset (see includes/members.lua)
-- KEYS[2..8] request field hashes: core, status, created-at, result, resolved-at, ext, ext-ids
-- ARGV[1] how many to return   ARGV[2] member prefix ('' for a global index, `<escaped ns>\0`
-- for a namespace index)   ARGV[3] cursor ms15 ('' = first page)   ARGV[4] cursor id
-- Returns a list of request rows (see includes/read-requests.lua)
--- @include "fail"
--- @include "read-requests"
local want = tonumber(ARGV[1])
if not want or want < 1 then return fail('VALIDATION', 'page size must be a positive number') end
local prefix, cms, cid = ARGV[2], ARGV[3], ARGV[4]
if cms ~= '' and not string.match(cms, '^%d%d%d%d%d%d%d%d%d%d%d%d%d%d%d$') then
  return fail('VALIDATION', 'cursor time must be 15 digits')
end
-- Members after the prefix sort by bytes; the page is everything strictly below the
-- cursor's member (whether or not that member is still in the index) down to the prefix.
local max, min
if prefix == '' then
  min = '-'
  max = cms == '' and '+' or '(' .. cms .. '\0' .. cid
else
  min = '[' .. prefix
  max = cms == '' and '(' .. string.sub(prefix, 1, -2) .. '\1' or '(' .. prefix .. cms .. '\0' .. cid
end
local members = redis.call('ZREVRANGEBYLEX', KEYS[1], max, min, 'LIMIT', 0, want)
local ids = {}
for i = 1, #members do ids[i] = string.sub(members[i], #prefix + 17) end
return read_requests(ids)
