-- unit reports its result (rec, JSON); a later report replaces it. A result
-- acknowledges too.
local c = answerable(unit)
if c < 0 then return c end
local first = redis.call('HEXISTS', results, unit) == 0
redis.call('HSET', results, unit, rec)
if first then redis.call('HINCRBY', meta, 'results', 1) end
ack(unit, at, by)
if first then return 1 end
return 0
