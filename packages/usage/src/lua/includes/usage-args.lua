-- Argument checks shared by the usage scripts (ARGV always arrives as strings).
local function is_uint(s)
  return type(s) == 'string' and string.match(s, '^%d+$') ~= nil and #s <= 16
end
local function is_flag(s)
  return s == '0' or s == '1'
end
local function is_finite(s)
  local n = tonumber(s)
  return n ~= nil and n == n and n ~= math.huge and n ~= -math.huge
end
