-- The directive's message could not reach chat of unit: counted once per
-- chat.
if not state() then return -1 end
if not istarget(unit) then return -2 end
if redis.call('SADD', sends, '!' .. unit .. ' ' .. chat) == 0 then return 0 end
local ok = num(redis.call('HGET', reached, unit))
local ko = num(redis.call('HGET', unreached, unit))
redis.call('HINCRBY', unreached, unit, 1)
redis.call('HSET', failures, unit, reason)
local exp = settle(unit, ok, ko + 1, at)
if ok == 0 and ko + 1 == exp then redis.call('HINCRBY', meta, 'failed', 1) end
return 1
