-- Replaces a dead self's heartbeat (dead, its token) with token for ttl ms,
-- unless it changed since it was judged dead.
if redis.call('GET', heartbeat) == dead then
  redis.call('SET', heartbeat, token, 'PX', ttl)
  return 1
end
return 0
