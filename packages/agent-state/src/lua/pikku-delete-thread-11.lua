-- Pikku agent storage: deletes a thread with its messages, runs, scores, thread working
-- memory and tool-call set, in one step.
-- KEYS[1..11] the thread unit: data, messages, message-data, runs, run-data, run-versions,
-- agents, scores, score-seq, memory, tool-calls
-- ARGV none
-- Returns false when the thread does not exist, else {resourceId, {agent, count, ...}, {toolCallId, ...}}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local resource = redis.call('HGET', KEYS[1], 'resourceId')
local agents = redis.call('HGETALL', KEYS[7])
local tool_calls = redis.call('SMEMBERS', KEYS[11])
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9], KEYS[10], KEYS[11])
return {resource, agents, tool_calls}
