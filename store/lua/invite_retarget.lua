-- Makes an invite that still exists enrol into unit.
if redis.call('EXISTS', invite) == 0 then return 0 end
redis.call('HSET', invite, 'unit', unit)
return 1
