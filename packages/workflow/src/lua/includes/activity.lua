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

-- drop_pending(current_key, pending_key, run_id): removes the run's pending step
-- attempts from the undispatched-step index (the run finished or was deleted).
local function drop_pending(current_key, pending_key, run_id)
  local current = redis.call('HVALS', current_key)
  for _, seq in ipairs(current) do
    redis.call('ZREM', pending_key, run_id .. '.' .. seq)
  end
end
