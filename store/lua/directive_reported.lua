-- The directive's deadline report was sent at at: 1 the first time.
if not state() then return -1 end
return redis.call('HSETNX', meta, 'dreported', at)
