-- Puts an update that cannot be handled on the dead list, once per update
-- id (seen, its dedupe mark, lives ttl ms).
if redis.call('SET', seen, '1', 'NX', 'PX', ttl) then
  redis.call('RPUSH', dead, update)
  return 1
end
return 0
