-- push_argv(key, from, to): RPUSH ARGV[from..to] onto key in slices, so long histories
-- never exceed Lua's unpack limit. Values are opaque strings (never decoded).
local function push_argv(key, from, to)
  local i = from
  while i <= to do
    local j = math.min(i + 499, to)
    redis.call('RPUSH', key, unpack(ARGV, i, j))
    i = j + 1
  end
end
