-- Reserves up to N due messages of platform P, one per chat, each until
-- LEASE (unix ms), for OWNER (see ReserveAs); a bulk message that waited
-- BULKWAIT (ms) goes before replies. Returns {pause, next due,
-- reservations}.
local res = B .. 'res:' .. P

-- Reservations of a sender that died come back.
for _, c in ipairs(redis.call('ZRANGEBYSCORE', fly, '-inf', NOW, 'LIMIT', 0, 1000)) do
  local v = redis.call('HGET', res, c)
  redis.call('HDEL', res, c)
  redis.call('ZREM', fly, c)
  if v then
    local pr, entry, k = parse(v)
    restore(P, c, pr, entry, k)
  end
  requeue(P, c, NOW)
end
redis.call('ZREMRANGEBYSCORE', B .. 'cool:' .. P, '-inf', NOW)

-- head finds chat c's next message, dropping entries no longer queued. A
-- message of which some parts are sent is finished before a reply, and a
-- bulk message that waited BULKWAIT goes before the replies.
local function head(c)
  local e = redis.call('LINDEX', qkey(P, 'b', c), 0)
  if e and string.sub(e, 1, 1) == 'm' then
    local k = string.sub(e, 3)
    local f = redis.call('HMGET', mkey(k), 'st', 'part', 't')
    if f[1] == 'q' and (tonumber(f[2] or '0') > 0 or NOW - tonumber(f[3] or NOW) >= BULKWAIT) then
      return 'b', e, k
    end
  end
  for _, pr in ipairs({'r', 'b'}) do
    local q = qkey(P, pr, c)
    while true do
      local e = redis.call('LINDEX', q, 0)
      if not e then break end
      if string.sub(e, 1, 1) == 'm' then
        local k = string.sub(e, 3)
        if redis.call('HGET', mkey(k), 'st') == 'q' then return pr, e, k end
      else
        local ek = B .. 'e:' .. string.sub(e, 3)
        local k = redis.call('GET', ek)
        if k and redis.call('HGET', mkey(k), 'st') == 'q' then
          redis.call('DEL', ek)
          return pr, e, k
        end
      end
      redis.call('LPOP', q)
    end
  end
  return nil
end

local pause = tonumber(redis.call('GET', B .. 'pause:' .. P) or '0')
local out = {}
if pause <= NOW then
  for _, rp in ipairs({'r', 'b'}) do
    local rk = rkey(P, rp)
    while #out < N do
      local cs = redis.call('ZRANGEBYSCORE', rk, '-inf', NOW, 'LIMIT', 0, N - #out)
      if #cs == 0 then break end
      for _, c in ipairs(cs) do
        redis.call('ZREM', rk, c)
        local pr, entry, k = head(c)
        if pr then
          local v = pr .. entry .. '\n' .. k .. '\n' .. redis.call('INCR', B .. 'seq:' .. P) .. '\n' .. OWNER
          redis.call('HSET', res, c, v)
          redis.call('ZADD', fly, LEASE, c)
          local f = redis.call('HMGET', mkey(k), 'msg', 'part', 'ids', 'tries', 'since', 'edit')
          -- An edit addresses the message's last part, the one carrying
          -- its buttons; '+' when the message was sent to another chat (the
          -- group became a supergroup: its old messages are not there), so
          -- the edit goes as a new message.
          local eid = ''
          if f[6] then
            local tf = redis.call('HMGET', mkey(f[6]), 'ids', 'c')
            if tf[1] then
              if tf[2] and tf[2] ~= c then
                eid = '+'
              else
                eid = string.match(tf[1], '[^\n]*$')
              end
            end
          end
          out[#out + 1] = {c, v, f[1], f[2] or '0', f[3] or '', f[4] or '0', f[5] or '0', eid}
        end
      end
    end
  end
end

local next = 0
for _, z in ipairs({rkey(P, 'r'), rkey(P, 'b'), fly}) do
  local first = redis.call('ZRANGE', z, 0, 0, 'WITHSCORES')
  if first[2] then
    local s = tonumber(first[2])
    if next == 0 or s < next then next = s end
  end
end
return {pause, next, out}
