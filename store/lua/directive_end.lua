-- The directive ends in state 'to' (cancelled or closed) at at: nobody is
-- waited for any more.
local st = state()
if not st then return -1 end
if st == 'cancelled' then return -3 end
if st == 'closed' then return -5 end
redis.call('HSET', meta, 'state', to, to, at)
redis.call('DEL', waiting)
return 1
