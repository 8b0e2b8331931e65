-- Cancels up to limit queued messages whose keys are between min and max
-- (ZRANGEBYLEX bounds). Returns {cancelled, keys looked at, last key}.
local ks = redis.call('ZRANGEBYLEX', pending, min, max, 'LIMIT', 0, limit)
local n = 0
for _, k in ipairs(ks) do
  local f = redis.call('HMGET', mkey(k), 'st', 'p', 'c', 'part', 'edit')
  if f[1] ~= 'q' then
    redis.call('ZREM', pending, k)
  else
    local busy = false
    local v = redis.call('HGET', B .. 'res:' .. f[2], f[3])
    if v then
      local _, _, rk = parse(v)
      busy = rk == k
    end
    if not busy and tonumber(f[4] or '0') == 0 then
      if f[5] then
        local ek = B .. 'e:' .. f[5]
        if redis.call('GET', ek) == k then redis.call('DEL', ek) end
      end
      finish(k, 'x')
      n = n + 1
    end
  end
end
return {n, #ks, ks[#ks] or ''}
