-- Whether to edit the lead's progress message now: at most once per every
-- ms, and once for the final edit whatever the throttle.
if not state() then return -1 end
if final == '1' and redis.call('HSETNX', meta, 'final', now) == 1 then
  redis.call('SET', lastEdit, now)
  return 1
end
local last = tonumber(redis.call('GET', lastEdit) or '')
if last and now - last < every then return 0 end
redis.call('SET', lastEdit, now)
return 1
