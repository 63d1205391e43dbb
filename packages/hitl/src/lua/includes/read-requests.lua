-- read_requests(ids): one row per id that has a record, in the order of ids:
-- {id, core, status, createdAt, result, resolvedAt, externalId, externalIds} (false = absent).
-- Convention: the calling script receives the request field hashes as KEYS[2]..KEYS[8]
-- (core, status, created-at, result, resolved-at, ext, ext-ids) and reads them with HMGET.
local function read_requests(ids)
  local cols = {}
  for k = 2, 8 do cols[k] = {} end
  for from = 1, #ids, 500 do
    local chunk = {}
    for i = from, math.min(#ids, from + 499) do chunk[#chunk + 1] = ids[i] end
    for k = 2, 8 do
      local values = redis.call('HMGET', KEYS[k], unpack(chunk))
      for i = 1, #chunk do cols[k][from + i - 1] = values[i] end
    end
  end
  local out = {}
  for i = 1, #ids do
    if cols[2][i] then
      out[#out + 1] = { ids[i], cols[2][i], cols[3][i], cols[4][i], cols[5][i], cols[6][i], cols[7][i], cols[8][i] }
    end
  end
  return out
end
