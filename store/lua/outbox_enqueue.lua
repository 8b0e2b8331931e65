-- Queues messages (see Enqueue): each is k its key, p its platform, c its
-- chat, pr its priority (r|b), t the key of the message it edits (or ''),
-- js its JSON and sup its Supersedes tag (or ''). SUPTTL is how long a tag
-- remembers its message (ms). Returns how many were queued.
-- supersede drops chat c's queued message tagged sup, unless it is being
-- sent or partly sent, and makes k the tag's message.
local function supersede(p, c, sup, k)
  local sk = B .. 'sup:' .. p .. ':' .. c .. ':' .. sup
  local old = redis.call('GET', sk)
  if old and old ~= k then
    local f = redis.call('HMGET', mkey(old), 'st', 'part')
    local busy = false
    local v = redis.call('HGET', B .. 'res:' .. p, c)
    if v then
      local _, _, rk = parse(v)
      busy = rk == old
    end
    if f[1] == 'q' and tonumber(f[2] or '0') == 0 and not busy then
      finish(old, 'c', 'superseded by ' .. k)
    end
  end
  redis.call('SET', sk, k, 'PX', SUPTTL)
end

local woken = {}
local added = 0
for _, msg in ipairs(messages) do
  local k, p, c, pr, t, js, sup = msg.k, msg.p, msg.c, msg.pr, msg.t, msg.js, msg.sup
  local m = mkey(k)
  if redis.call('EXISTS', m) == 0 then
    added = added + 1
    redis.call('HSET', m, 'st', 'q', 'msg', js, 'p', p, 'c', c, 'pr', pr, 't', NOW)
    redis.call('ZADD', pending, 0, k)
    redis.call('HINCRBY', B .. 'depth:' .. p, pr, 1)
    if t == '' then
      if sup ~= '' then supersede(p, c, sup, k) end
      redis.call('RPUSH', qkey(p, pr, c), 'm:' .. k)
      schedule(p, c, pr)
      woken[p] = true
    else
      redis.call('HSET', m, 'edit', t)
      local ts = redis.call('HGET', mkey(t), 'st')
      if ts == 'd' or ts == 'c' then
        bury(k, 'the message to edit was not delivered: ' .. t)
      elseif ts == 'x' then
        finish(k, 'x')
      else
        local ek = B .. 'e:' .. t
        local old = redis.call('GET', ek)
        redis.call('SET', ek, k)
        if old then
          finish(old, 'c')
        elseif ts == 's' then
          redis.call('RPUSH', qkey(p, pr, c), 'e:' .. t)
          schedule(p, c, pr)
          woken[p] = true
        end
      end
    end
  end
end
for p in pairs(woken) do redis.call('PUBLISH', B .. 'wake:' .. p, '1') end
return added
