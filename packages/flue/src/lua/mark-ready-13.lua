-- Marks a queued submission's canonical conversation as materialized (idempotent).
-- KEYS: the 13 submission keys (see includes/sub-lib.lua).
-- ARGV: 1 submission id.
-- Returns: the row reply (4 entries), or an empty array when missing or not queued.
--- @include "sub-lib"
--- @include "server-time"
local row, bad = load_row(ARGV[1])
if bad then return bad end
if not row or row.status ~= 'queued' then return {} end
if row.ready == nil then
  row.ready = tostring(now_ms())
  save_row(row)
end
return row_reply(row)
