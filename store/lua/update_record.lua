-- Records an update unless seen (its dedupe mark) exists; the mark lives
-- ttl ms.
if redis.call('SET', seen, '1', 'NX', 'PX', ttl) then
  redis.call('XADD', updates, '*', 'u', update)
  return 1
end
return 0
