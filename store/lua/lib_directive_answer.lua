-- answerable checks that a unit may answer a directive (acknowledge, report
-- a result); ack records its acknowledgement once. Loaded after
-- lib_directive.

local function answerable(u)
  local st = state()
  if not st then return -1 end
  if not istarget(u) then return -2 end
  if st == 'cancelled' then return -3 end
  if st == 'pending' then return -4 end
  return 0
end
local function ack(u, when, who)
  if redis.call('HSETNX', acks, u, when .. '|' .. who) == 0 then return 0 end
  redis.call('HINCRBY', meta, 'acked', 1)
  redis.call('ZREM', waiting, u)
  return 1
end
