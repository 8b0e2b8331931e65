-- Records the end of a try at finished (unix ms) with err ('' for success)
-- if owner holds the claim.
if redis.call('HGET', job, 'owner') ~= owner then
  return 0
end
redis.call('HSET', job, 'finished', finished, 'err', err)
redis.call('HINCRBY', job, 'tries', 1)
return 1
