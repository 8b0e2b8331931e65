-- Renews the lease for ttl ms if owner holds it.
if redis.call('GET', lease) == owner then
  return redis.call('PEXPIRE', lease, ttl)
end
return 0
