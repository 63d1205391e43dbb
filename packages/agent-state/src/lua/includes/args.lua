-- int_arg(value): a non-negative integer argument, or nil when it is not one.
local function int_arg(value)
  local n = tonumber(value)
  if n == nil or n < 0 or n ~= math.floor(n) then return nil end
  return n
end
