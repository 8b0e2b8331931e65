-- Creates the occurrence's hash (job) for owner at claimed (unix ms), with
-- a TTL of ttl ms, unless it exists; an occurrence claimed but never
-- finished whose owner is the claimant (it restarted) or has no heartbeat
-- (heartbeats: the key prefix of heartbeats, then the owner) is claimed
-- again: 2.
if redis.call('EXISTS', job) == 1 then
  local f = redis.call('HMGET', job, 'owner', 'finished')
  if f[2] or not f[1] then return 0 end
  if f[1] ~= owner and redis.call('EXISTS', heartbeats .. f[1]) == 1 then return 0 end
  redis.call('HSET', job, 'owner', owner, 'claimed', claimed)
  redis.call('HINCRBY', job, 'resumed', 1)
  return 2
end
redis.call('HSET', job, 'owner', owner, 'claimed', claimed, 'tries', 0)
redis.call('PEXPIRE', job, ttl)
return 1
