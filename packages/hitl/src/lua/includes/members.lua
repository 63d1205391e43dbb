-- Index members (every score is 0, so members sort by their bytes):
--   global indexes    `<ms15>\0<id>`
--   namespace indexes `<escaped namespace>\0<ms15>\0<id>`
-- ms15 is createdAt in ms, zero-padded to 15 digits; ZREVRANGEBYLEX therefore walks
-- newest first with ties by id desc. The escaped namespace never contains `\0`.
-- A request's position (hash req:pos) is `<ms15><escaped namespace>`.
local function ms15(ms)
  return string.format('%015.0f', ms)
end

-- members(pos, id): the global and the namespace member of a request.
local function members(pos, id)
  local m = string.sub(pos, 1, 15) .. '\0' .. id
  return m, string.sub(pos, 16) .. '\0' .. m
end
