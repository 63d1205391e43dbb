-- Removes a deployment with its endpoint and function index entries in one step.
-- KEYS: the 4 registry keys (see includes/deployment-keys.lua)
-- ARGV[1] escaped deployment id
-- Returns 1 when it was registered, else 0
--- @include "fail"
--- @include "deployment-keys"
local id = ARGV[1]
if id == nil or id == '' then return fail('VALIDATION', 'deployment id must not be empty') end
return remove_deployment(id)
