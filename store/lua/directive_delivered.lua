-- The directive's message reached chat of unit: counted once per chat.
if not state() then return -1 end
if not istarget(unit) then return -2 end
if redis.call('SADD', sends, unit .. ' ' .. chat) == 0 then return 0 end
local ok = num(redis.call('HGET', reached, unit))
local ko = num(redis.call('HGET', unreached, unit))
local tv = redis.call('HGET', targets, unit)
local exp = tonumber((string.match(tv, '|(%d+)$'))) or 1
redis.call('HINCRBY', reached, unit, 1)
if ok == 0 then
  redis.call('HINCRBY', meta, 'sent', 1)
  redis.call('HSET', delivered, unit, at)
  if ko >= exp then redis.call('HINCRBY', meta, 'failed', -1) end
  local st = state()
  if redis.call('HEXISTS', acks, unit) == 0 and (st == 'active' or st == 'pending') then
    redis.call('ZADD', waiting, at, unit)
  end
end
settle(unit, ok + 1, ko, at)
return 1
