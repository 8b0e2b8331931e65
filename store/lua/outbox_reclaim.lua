-- Gives back the reservations of platform P (chat c, token v) that are
-- still held. Returns how many.
local res = B .. 'res:' .. P
local n = 0
for _, r in ipairs(reservations) do
  local c, v = r.c, r.v
  if redis.call('HGET', res, c) == v then
    redis.call('HDEL', res, c)
    redis.call('ZREM', fly, c)
    local pr, entry, k = parse(v)
    restore(P, c, pr, entry, k)
    requeue(P, c, NOW)
    n = n + 1
  end
end
if n > 0 then redis.call('PUBLISH', B .. 'wake:' .. P, '1') end
return n
