-- Uses up an invite: returns its hash (empty when unknown) and deletes it.
local v = redis.call('HGETALL', invite)
if #v > 0 then redis.call('DEL', invite) end
return v
