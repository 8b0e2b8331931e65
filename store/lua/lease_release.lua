-- Gives the lease up if owner holds it.
if redis.call('GET', lease) == owner then
  return redis.call('DEL', lease)
end
return 0
