-- fail(code, message): abort the script with a domain error that core maps to a typed
-- error class (RSERR <CODE> <message>). Call it before any write.
local function fail(code, message)
  return redis.error_reply('RSERR ' .. code .. ' ' .. (message or ''))
end
