-- Drops one shard-day (firsts, its entry day in days, and every other key
-- of the day: rest) if nothing was written to it since it was read: the
-- _n counter of firsts is still version.
local n = redis.call('HGET', firsts, '_n') or ''
if n ~= version then return 0 end
redis.call('DEL', firsts)
for i = 1, #rest, 500 do
  redis.call('DEL', unpack(rest, i, math.min(i + 499, #rest)))
end
redis.call('ZREM', days, day)
return 1
