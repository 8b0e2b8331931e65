-- Functions shared by the outbox scripts (see outbox.go). B is the key
-- base ("prefix:{ob}:"): keys of chats and platforms are built from it;
-- NOW the time and TTL the life of done marks (ms); DEADCAP how many dead
-- letters a platform keeps.

local function mkey(k) return B .. 'm:' .. k end
local function qkey(p, pr, c) return B .. 'q:' .. p .. ':' .. pr .. ':' .. c end
local function rkey(p, pr) return B .. 'ready:' .. p .. ':' .. pr end

-- parse splits a reservation token "<pr><entry>\n<key>\n<seq>": priority,
-- queue entry, message key.
local function parse(v)
  local nl = string.find(v, '\n', 2, true)
  local nl2 = string.find(v, '\n', nl + 1, true)
  return string.sub(v, 1, 1), string.sub(v, 2, nl - 1), string.sub(v, nl + 1, nl2 - 1)
end

local function pophead(p, pr, c, entry)
  local q = qkey(p, pr, c)
  if redis.call('LINDEX', q, 0) == entry then redis.call('LPOP', q) end
end

-- requeue makes chat c due at 'at' among the chats of its head's priority,
-- or remembers 'at' as its next allowed send when nothing is queued.
local function requeue(p, c, at)
  local pr
  if redis.call('LLEN', qkey(p, 'r', c)) > 0 then pr = 'r'
  elseif redis.call('LLEN', qkey(p, 'b', c)) > 0 then pr = 'b' end
  if pr then
    redis.call('ZADD', rkey(p, pr), at, c)
  elseif at > NOW then
    redis.call('ZADD', B .. 'cool:' .. p, at, c)
  end
end

-- schedule makes chat c ready after a message of priority pr was queued,
-- keeping the time it may be sent to next.
local function schedule(p, c, pr)
  if redis.call('ZSCORE', B .. 'fly:' .. p, c) then return end
  local rr, rb = rkey(p, 'r'), rkey(p, 'b')
  if redis.call('ZSCORE', rr, c) then return end
  local s = redis.call('ZSCORE', rb, c)
  if s then
    if pr == 'b' then return end
    redis.call('ZREM', rb, c)
  else
    s = NOW
    local cool = redis.call('ZSCORE', B .. 'cool:' .. p, c)
    if cool and tonumber(cool) > NOW then s = cool end
  end
  redis.call('ZADD', rkey(p, pr), s, c)
end

local function deadletter(k, reason)
  local f = redis.call('HMGET', mkey(k), 'msg', 'p', 'c')
  if not f[1] then return end
  local d = B .. 'dead:' .. f[2]
  redis.call('LPUSH', d, cjson.encode({key = k, p = f[2], c = f[3], reason = reason, at = tostring(NOW), msg = f[1]}))
  redis.call('LTRIM', d, 0, DEADCAP - 1)
end

local finish
-- bury dead-letters a queued message.
local function bury(k, reason)
  if redis.call('HGET', mkey(k), 'st') ~= 'q' then return end
  deadletter(k, reason)
  finish(k, 'd', reason)
end

-- finish moves a queued message to its final state st and keeps only its
-- idempotency mark. An edit parked on a message that will never be sent
-- goes with it.
finish = function(k, st, reason)
  local m = mkey(k)
  local f = redis.call('HMGET', m, 'st', 'pr', 'p')
  if f[1] ~= 'q' then return end
  redis.call('HINCRBY', B .. 'depth:' .. f[3], f[2], -1)
  redis.call('ZREM', pending, k)
  redis.call('HDEL', m, 'msg', 'tries', 'since', 'part', 'edit', 'pr', 't')
  redis.call('HSET', m, 'st', st, 'at', NOW)
  if reason and reason ~= '' then redis.call('HSET', m, 'err', reason) end
  redis.call('PEXPIRE', m, TTL)
  if st ~= 's' then
    local ek = B .. 'e:' .. k
    local e = redis.call('GET', ek)
    if e then
      redis.call('DEL', ek)
      if st == 'x' then finish(e, 'x') else bury(e, 'the message to edit was not delivered: ' .. k) end
    end
  end
end

-- restore gives back a reserved queue entry: an edit marker gets its edit
-- back unless a newer edit superseded it meanwhile.
local function restore(p, c, pr, entry, k)
  local st = redis.call('HGET', mkey(k), 'st')
  if st ~= 'q' then pophead(p, pr, c, entry) return end
  if string.sub(entry, 1, 1) == 'e' then
    local ek = B .. 'e:' .. string.sub(entry, 3)
    if redis.call('GET', ek) then
      finish(k, 'c')
      pophead(p, pr, c, entry)
    else
      redis.call('SET', ek, k)
    end
  end
end

-- migrate moves what is queued for chat old to chat new (a Telegram group
-- upgraded to a supergroup): the queue entries, after what new has, and
-- the chat of the queued messages. A reservation in flight for old is left
-- to its settle. It returns how many entries moved.
local function migrate(p, old, new)
  if old == new then return 0 end
  local n = 0
  for _, pr in ipairs({'r', 'b'}) do
    local q = qkey(p, pr, old)
    for _, e in ipairs(redis.call('LRANGE', q, 0, -1)) do
      local k = nil
      if string.sub(e, 1, 1) == 'm' then
        k = string.sub(e, 3)
      else
        k = redis.call('GET', B .. 'e:' .. string.sub(e, 3))
      end
      if k and redis.call('HGET', mkey(k), 'st') == 'q' then
        redis.call('HSET', mkey(k), 'c', new)
      end
      redis.call('RPUSH', qkey(p, pr, new), e)
      n = n + 1
    end
    redis.call('DEL', q)
    redis.call('ZREM', rkey(p, pr), old)
  end
  redis.call('ZREM', B .. 'cool:' .. p, old)
  if n > 0 then
    for _, pr in ipairs({'r', 'b'}) do
      if redis.call('LLEN', qkey(p, pr, new)) > 0 then schedule(p, new, pr) end
    end
    redis.call('PUBLISH', B .. 'wake:' .. p, '1')
  end
  return n
end

-- queueEdit puts the pending edit of target t in its chat's queue.
local function queueEdit(t)
  local e = redis.call('GET', B .. 'e:' .. t)
  if not e then return nil end
  local f = redis.call('HMGET', mkey(e), 'p', 'c', 'pr')
  if not f[1] then return nil end
  redis.call('RPUSH', qkey(f[1], f[3], f[2]), 'e:' .. t)
  schedule(f[1], f[2], f[3])
  return f[1]
end
