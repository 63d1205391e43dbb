-- stored_int(value): true when a stored value is an integer HINCRBY/INCR accept and can add to
-- (no '+', '.', leading zeros or 19+ digits). Scripts check stored counters with it before
-- their first write: Redis keeps a script's earlier writes when a later command fails.
local function stored_int(value)
  return value == '0' or (string.find(value, '^%-?[1-9]%d*$') ~= nil and #value < 19)
end
