-- units were reminded at at; those no longer waiting are skipped. Returns
-- how many were marked.
local n = 0
for _, unit in ipairs(units) do
  if redis.call('ZSCORE', waiting, unit) then
    local r = redis.call('HGET', reminders, unit) or ''
    local c = (tonumber((string.match(r, '^(%d+)'))) or 0) + 1
    redis.call('HSET', reminders, unit, c .. '|' .. at)
    redis.call('ZADD', waiting, at, unit)
    n = n + 1
  end
end
return n
