-- Reads one page of batches strictly after a batch number, with the stream head.
-- KEYS: 1 stream meta, 2 batches hash.
-- ARGV: 1 start after (-1 = from the beginning), 2 page size.
-- Returns: {exists 0|1, number of batches, data-or-'~token' for each batch of the page}.
local after, limit = tonumber(ARGV[1]), tonumber(ARGV[2])
if not after or not limit then return redis.error_reply('RSERR VALIDATION bad read range') end
local total = redis.call('HGET', KEYS[1], 'next')
if not total then return { 0, 0 } end
total = tonumber(total)
local out = { 1, total }
local last = math.min(total - 1, after + limit)
for n = after + 1, last do
  table.insert(out, redis.call('HGET', KEYS[2], n) or '')
end
return out
