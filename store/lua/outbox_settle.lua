-- Settles reservations of platform P (see Settle): each outcome is its
-- kind (p part sent, s sent, r retry, w postponed, d dead, g chat gone, m
-- chat migrated), c the chat, v the reservation token, part the part
-- reserved, id the platform id (of the part sent, or the chat's new id),
-- nextAt when the chat may be sent to next, reason, pause (a 429: no send
-- on P before it) and win (the chat's sends a minute, 0: none).
local res = B .. 'res:' .. P

-- sentIn records a send to chat c in its rolling window of win sends a
-- minute (a group) and returns the earliest time its next send may go:
-- the oldest of the last win sends plus a minute once there are win.
local function sentIn(c, win)
  local wk = B .. 'win:' .. P .. ':' .. c
  local n = redis.call('RPUSH', wk, NOW)
  if n > win then
    redis.call('LTRIM', wk, n - win, -1)
    n = win
  end
  redis.call('PEXPIRE', wk, 61000)
  if n < win then return 0 end
  return tonumber(redis.call('LINDEX', wk, 0)) + 60000
end

for _, o in ipairs(outcomes) do
  local kind, c, v, part, id = o.kind, o.c, o.v, o.part, o.id
  local nextAt, reason, pause, win = o.nextAt, o.reason, o.pause, o.win
  if (kind == 'p' or kind == 's') and win > 0 then
    nextAt = math.max(nextAt, sentIn(c, win))
  end
  local pr, entry, k = parse(v)
  local mine = redis.call('HGET', res, c) == v
  if mine then
    redis.call('HDEL', res, c)
    redis.call('ZREM', fly, c)
  end
  local m = mkey(k)
  local st = redis.call('HGET', m, 'st')
  if kind == 'p' or kind == 's' then
    -- A send that happened is recorded even when the reservation was lost.
    if st == 'q' and tonumber(redis.call('HGET', m, 'part') or '0') == part then
      local ids = redis.call('HGET', m, 'ids')
      if ids and ids ~= '' then ids = ids .. '\n' .. id else ids = id end
      if kind == 'p' then
        redis.call('HSET', m, 'part', part + 1, 'ids', ids)
      else
        redis.call('HSET', m, 'ids', ids)
        -- An edit sent as a new message in another chat than its
        -- target's: the target now is that message, for later edits.
        local t = redis.call('HGET', m, 'edit')
        if t then
          local tc = redis.call('HGET', mkey(t), 'c')
          if tc and tc ~= c then redis.call('HSET', mkey(t), 'ids', ids, 'c', c) end
        end
        finish(k, 's')
        local woke = queueEdit(k)
        if woke then redis.call('PUBLISH', B .. 'wake:' .. woke, '1') end
      end
    end
    if mine then
      if kind == 's' then pophead(P, pr, c, entry) end
      requeue(P, c, nextAt)
    end
  elseif kind == 'r' or kind == 'w' then
    if mine then
      if st == 'q' then
        if kind == 'r' then
          redis.call('HINCRBY', m, 'tries', 1)
          redis.call('HSETNX', m, 'since', NOW)
        end
        if reason ~= '' then redis.call('HSET', m, 'err', reason) end
      end
      restore(P, c, pr, entry, k)
      requeue(P, c, nextAt)
    end
    if pause > 0 then
      local pk = B .. 'pause:' .. P
      if pause > tonumber(redis.call('GET', pk) or '0') then
        redis.call('SET', pk, pause, 'PX', math.max(1, pause - NOW) + 60000)
      end
    end
  elseif kind == 'm' then
    -- The chat has a new id (id): what is queued for it moves there, this
    -- message first among its own.
    if mine then restore(P, c, pr, entry, k) end
    migrate(P, c, id)
  elseif kind == 'd' or kind == 'g' then
    bury(k, reason)
    if mine then
      pophead(P, pr, c, entry)
      if kind == 'd' then
        requeue(P, c, nextAt)
      else
        -- The chat is gone: what else was queued for it is dead too.
        for _, qp in ipairs({'r', 'b'}) do
          local q = qkey(P, qp, c)
          for _, e in ipairs(redis.call('LRANGE', q, 0, -1)) do
            if string.sub(e, 1, 1) == 'm' then
              bury(string.sub(e, 3), reason)
            else
              local ek = B .. 'e:' .. string.sub(e, 3)
              local ed = redis.call('GET', ek)
              if ed then
                redis.call('DEL', ek)
                bury(ed, reason)
              end
            end
          end
          redis.call('DEL', q)
          redis.call('ZREM', rkey(P, qp), c)
        end
        redis.call('ZREM', B .. 'cool:' .. P, c)
      end
    end
  end
end
return 0
