--- @include "pcall-error"
-- touch_activity(run_key, active_key, run_id, now): the stalled-run index holds exactly the
-- runs in status `running` with no step attempt in flight (running or scheduled), scored
-- by their last activity; crash recovery reads it instead of scanning runs.
local function touch_activity(run_key, active_key, run_id, now)
  local r = redis.call('HMGET', run_key, 'status', 'busy')
  if r[1] == 'running' and (tonumber(r[2]) or 0) <= 0 then
    redis.call('ZADD', active_key, now, run_id)
  else
    redis.call('ZREM', active_key, run_id)
  end
end

-- current_attempts(current_key): the HVALS of the current-attempt hash, or nil when the key
-- holds another type. Read before a script's first write: Redis keeps the writes made before
-- a failing command.
local function current_attempts(current_key)
  local seqs = redis.pcall('HVALS', current_key)
  if pcall_error(seqs) then return nil end
  return seqs
end

-- drop_pending(seqs, pending_key, run_id): removes the run's pending step attempts (seqs from
-- current_attempts) from the undispatched-step index (the run finished or was deleted).
local function drop_pending(seqs, pending_key, run_id)
  for _, seq in ipairs(seqs) do
    redis.call('ZREM', pending_key, run_id .. '.' .. seq)
  end
end
