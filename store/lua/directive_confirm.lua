-- A pending directive becomes active at at.
local st = state()
if not st then return -1 end
if st == 'active' then return 0 end
if st == 'cancelled' then return -3 end
if st == 'closed' then return -5 end
redis.call('HSET', meta, 'state', 'active', 'started', at)
if num(redis.call('HGET', meta, 'settled')) >= num(redis.call('HGET', meta, 'total')) then
  redis.call('HSETNX', meta, 'finished', at)
end
return 1
