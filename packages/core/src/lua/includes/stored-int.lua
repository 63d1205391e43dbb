-- stored_int(value): true when a stored counter (a GET/HGET/HMGET reply; absent = 0) is an
-- integer INCR/HINCRBY accept and can add to (no '+', '.', leading zeros or 19+ digits).
-- Scripts check stored counters with it before their first write: Redis keeps a script's
-- earlier writes when a later command fails.
local function stored_int(value)
  return not value or value == '0' or (string.find(value, '^%-?[1-9]%d*$') ~= nil and #value < 19)
end
