-- Renews the instance's heartbeat for ttl ms if it holds token (1), or
-- sets it again when it lapsed (2).
if redis.call('GET', heartbeat) == token then
  return redis.call('PEXPIRE', heartbeat, ttl)
end
if redis.call('SET', heartbeat, token, 'NX', 'PX', ttl) then return 2 end
return 0
