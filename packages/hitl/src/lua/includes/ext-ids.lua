-- externalIds of a request as one opaque string: length-prefixed plugin/value pairs
-- `<bytes>:<plugin><bytes>:<value>...` (no JSON in Lua). ext_decode returns a flat
-- list {plugin, value, ...} in insertion order; ext_encode reverses it.
local function ext_decode(s)
  local out, i = {}, 1
  while s and i <= #s do
    local colon = string.find(s, ':', i, true)
    local len = colon and tonumber(string.sub(s, i, colon - 1))
    if not len then return nil end
    out[#out + 1] = string.sub(s, colon + 1, colon + len)
    i = colon + len + 1
  end
  if #out % 2 ~= 0 then return nil end
  return out
end

local function ext_encode(list)
  local parts = {}
  for i = 1, #list do parts[i] = #list[i] .. ':' .. list[i] end
  return table.concat(parts)
end
