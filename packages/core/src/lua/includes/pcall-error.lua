-- pcall_error(reply): the error text of a redis.pcall reply, or nil when the call succeeded.
-- Scripts that must not stop halfway run their risky commands with redis.pcall and check this:
-- Redis keeps a script's earlier writes when a later command fails.
local function pcall_error(reply)
  if type(reply) == 'table' then return reply.err end
  return nil
end
