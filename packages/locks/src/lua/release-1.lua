-- Deletes the lock, only for the holder of the random lock value.
-- KEYS[1] lock hash
-- ARGV[1] lock value
-- Returns 1 when released, 0 when the lock was already lost (nothing changed)
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'value') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
