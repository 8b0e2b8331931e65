-- Fires an alert (field "unit<TAB>rule" of the day's alerts) unless one
-- with a value at least as large was fired. The day's write counter
-- (firsts) is bumped for retention.
local cur = redis.call('HGET', alerts, field)
if cur and tonumber(value) <= tonumber((string.match(cur, '^(%-?%d+)'))) then
  return 0
end
redis.call('HSET', alerts, field, value .. '\t' .. at)
redis.call('HINCRBY', firsts, '_n', 1)
redis.call('ZADD', days, 'NX', score, day)
return 1
