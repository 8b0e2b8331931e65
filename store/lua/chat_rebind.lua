-- Moves the binding of a chat (ref) from unit 'from' to unit 'to', or
-- drops it when 'to' is empty, if it is still bound to 'from'. fromTargets
-- and toTargets are the units' sets of chats (toTargets is fromTargets
-- again when dropping).
if redis.call('HGET', chat, 'unit') ~= from then return 0 end
redis.call('SREM', fromTargets, ref)
if to == '' then
  redis.call('DEL', chat)
else
  redis.call('HSET', chat, 'unit', to)
  redis.call('SADD', toTargets, ref)
end
return 1
