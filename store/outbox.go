package store

// The outbox: every message the bot sends is queued here first, and a
// sender (bot.Outbox, one process per platform at a time) reserves due
// messages, sends them, and settles each reservation with its outcome.
//
// Keys, all under the {ob} tag (P: platform, C: chat id, K: message key,
// T: the key of a message being edited):
//
//	{ob}:m:K              hash: the message. st (q queued, s sent, d dead,
//	                      x cancelled, c superseded edit), msg (JSON, while
//	                      queued), p, c, pr (r reply | b bulk), t (enqueued,
//	                      unix ms), part (parts already sent), ids (platform
//	                      ids of the parts sent, one a line), tries, since
//	                      (first failure, unix ms), err (last error or the
//	                      dead reason), edit (T, for an edit), at (done,
//	                      unix ms). Once done it keeps st, ids, err and
//	                      expires after DoneTTL: the idempotency mark.
//	{ob}:q:P:r:C          list: the chat's queued replies, oldest first
//	{ob}:q:P:b:C          list: the chat's queued bulk messages
//	                      Entries are "m:K" (a message) or "e:T" (the
//	                      newest pending edit of T, looked up in {ob}:e:T).
//	{ob}:e:T              string: key of the newest edit of T that is
//	                      pending and not reserved. While T is not sent the
//	                      edit is parked here with no queue entry; sending T
//	                      queues it. A newer edit supersedes it in place.
//	{ob}:ready:P:r        zset: chats whose next message is a reply, scored
//	{ob}:ready:P:b        by when that chat may be sent to next (unix ms)
//	{ob}:cool:P           zset: chats with nothing queued that were sent to
//	                      recently, scored by when they may be sent to again
//	{ob}:fly:P            zset: chats with a message reserved, scored by the
//	                      end of the reservation's lease
//	{ob}:res:P            hash: chat → reservation token (priority, queue
//	                      entry, message key, sequence number)
//	{ob}:seq:P            counter that makes reservation tokens unique
//	{ob}:pending          zset (all scores 0): keys of queued messages of
//	                      every platform, for CancelQueued's prefix search
//	{ob}:depth:P          hash r, b: number of queued messages
//	{ob}:dead:P           list: dead letters (JSON), newest first, capped
//	{ob}:sup:P:C:TAG      string: key of chat C's latest message tagged TAG
//	                      (Message.Supersedes); TTL 24 h
//	{ob}:pause:P          unix ms before which P must not be called (429)
//	{ob}:win:P:C          list: when the last sends to group C were settled
//	                      (unix ms, at most the window's count), for the
//	                      rolling window of sends a minute; TTL 61 s
//	{ob}:wake:P           pub/sub channel: something was queued for P
//
// A chat is in at most one of ready, fly and cool, so one message per chat
// is in flight at a time and a chat's messages go out in order (replies
// before bulk). Reserving takes the chats whose score is due, replies
// first: a chat that waits on its own rate limit has a later score and does
// not hold up the others. A reservation whose lease ends (its sender died)
// is given back by the next Reserve, so the message is sent again: the
// at-least-once window is the messages in flight at a crash. A message of
// several parts is settled part by part, so a restart resumes at the next
// part.
//
// Every operation is one Lua script. The scripts build their key names from
// the {ob} prefix; all of them hash to one slot, so this holds in Cluster.
//
// Memory: a queued message costs its JSON plus ~200 bytes; a done mark
// ~150 bytes for DoneTTL (30 days): a daily broadcast to 10,047 communes
// keeps ~45 MB of marks.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"

	"github.com/chihuy/chihuy"
)

const (
	// DoneTTL is how long a sent, dead or cancelled message's key is
	// remembered: enqueueing the key again within it is a no-op.
	DoneTTL = 30 * 24 * time.Hour
	// DeadLetterCap is how many dead letters are kept per platform.
	DeadLetterCap = 10000
	// maxKeyLen bounds a message key in bytes.
	maxKeyLen = 300
	// enqueueBatch is how many messages go to Redis in one script call.
	enqueueBatch = 500
	// cancelBatch is how many keys CancelQueued looks at per script call.
	cancelBatch = 1000
	// supersedeTTL is how long a Supersedes tag remembers its message.
	supersedeTTL = 24 * time.Hour
	// BulkMaxWait is how long a chat's bulk message (a directive, a
	// digest) waits at most behind the chat's replies: once its wait is
	// over, it goes before them.
	BulkMaxWait = time.Minute
)

// Messages of the outbox's input checks.
const (
	msgKeyEmpty    = "Tin nhắn gửi đi thiếu khóa (Key)."
	msgKeyInvalid  = "Khóa tin nhắn %q không hợp lệ: tối đa %d byte UTF-8, không chứa xuống dòng."
	msgChatMissing = "Tin nhắn %q chưa có cuộc trò chuyện nhận (Chat)."
	msgPriority    = "Tin nhắn %q có mức ưu tiên không hợp lệ (%d)."
	msgEditSelf    = "Tin nhắn %q không thể sửa chính nó."
	msgPrefixEmpty = "Cần tiền tố khóa để hủy tin nhắn đang chờ gửi."
)

// outboxLib is shared by the outbox scripts. Every script gets ARGV[1] the
// key base ("prefix:{ob}:"), ARGV[2] the time (unix ms) and ARGV[3] the
// TTL of done marks (ms).
var outboxLib = `
local B = ARGV[1]
local NOW = tonumber(ARGV[2])
local TTL = tonumber(ARGV[3])
local DEADCAP = ` + strconv.Itoa(DeadLetterCap) + `
local SUPTTL = ` + strconv.FormatInt(supersedeTTL.Milliseconds(), 10) + `
local BULKWAIT = ` + strconv.FormatInt(BulkMaxWait.Milliseconds(), 10) + `

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
  redis.call('ZREM', B .. 'pending', k)
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
`

var enqueueScript = redis.NewScript(outboxLib + `
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
for i = 4, #ARGV, 7 do
  local k, p, c, pr, t, js, sup = ARGV[i], ARGV[i+1], ARGV[i+2], ARGV[i+3], ARGV[i+4], ARGV[i+5], ARGV[i+6]
  local m = mkey(k)
  if redis.call('EXISTS', m) == 0 then
    added = added + 1
    redis.call('HSET', m, 'st', 'q', 'msg', js, 'p', p, 'c', c, 'pr', pr, 't', NOW)
    redis.call('ZADD', B .. 'pending', 0, k)
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
`)

var reserveScript = redis.NewScript(outboxLib + `
local P, LEASE, N, OWNER = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
local fly, res = B .. 'fly:' .. P, B .. 'res:' .. P

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
`)

var settleScript = redis.NewScript(outboxLib + `
local P = ARGV[4]
local fly, res = B .. 'fly:' .. P, B .. 'res:' .. P

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

for i = 5, #ARGV, 9 do
  local kind, c, v, part, id = ARGV[i], ARGV[i+1], ARGV[i+2], tonumber(ARGV[i+3]), ARGV[i+4]
  local nextAt, reason, pause = tonumber(ARGV[i+5]), ARGV[i+6], tonumber(ARGV[i+7])
  local win = tonumber(ARGV[i+8])
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
`)

var migrateScript = redis.NewScript(outboxLib + `
return migrate(ARGV[4], ARGV[5], ARGV[6])
`)

// MigrateOutbox moves what is queued for chat from to chat to, on one
// platform: a Telegram group upgraded to a supergroup gets a new id. The
// messages keep their keys and order; edits of messages sent to the old
// chat go to the new one as new messages (see Reserve). It returns how
// many queue entries moved.
func (s *Store) MigrateOutbox(ctx context.Context, from, to chihuy.ChatRef) (int, error) {
	if from.Platform != to.Platform {
		return 0, fmt.Errorf("migrate outbox %s to %s: not the same platform", from, to)
	}
	n, err := migrateScript.Run(ctx, s.rdb, []string{s.Key("ob", "pending")},
		s.obArgs(from.Platform, from.ID, to.ID)...).Int()
	if err != nil {
		return 0, fmt.Errorf("migrate outbox %s to %s: %w", from, to, err)
	}
	return n, nil
}

var cancelScript = redis.NewScript(outboxLib + `
local ks = redis.call('ZRANGEBYLEX', B .. 'pending', ARGV[4], ARGV[5], 'LIMIT', 0, tonumber(ARGV[6]))
local n = 0
for _, k in ipairs(ks) do
  local f = redis.call('HMGET', mkey(k), 'st', 'p', 'c', 'part', 'edit')
  if f[1] ~= 'q' then
    redis.call('ZREM', B .. 'pending', k)
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
`)

// Reservation is one message part handed to the sender. It holds the chat
// until it is settled, or until its lease ends.
type Reservation struct {
	Key     string
	Chat    chihuy.ChatRef
	Message chihuy.Message
	// Part is the number of parts already sent: the index of the part to
	// send now. SentIDs are their platform message ids.
	Part    int
	SentIDs []string
	// EditID is, for an edit, the platform id of the message it edits:
	// its last part, the one carrying the buttons. It is EditAsNew when
	// that message was sent to another chat (the chat changed its id), so
	// the edit must be sent as a new message.
	EditID string
	// Attempts counts failed sends (429s are not failures).
	Attempts int
	// FailingSince is when the first failed send happened; zero if none.
	FailingSince time.Time

	token string
}

// Outcome is what became of a reservation. Make one with the
// Reservation's methods and hand it to Settle.
type Outcome struct {
	r      *Reservation
	kind   string
	id     string
	next   time.Time
	reason string
	pause  time.Time
	window int
}

// InWindow says that a send counts in the chat's rolling window of n
// sends a minute (a group: 20 on Telegram): once the chat has had n sends
// in the last minute, its next send waits until the oldest of them is a
// minute old, whatever next the outcome says. Zero: no window.
func (o Outcome) InWindow(n int) Outcome {
	o.window = max(n, 0)
	return o
}

// Sent records that the reserved part was delivered as platform message
// id; last says it was the message's last part, which marks the key sent.
// The chat may be sent to again at next.
func (r *Reservation) Sent(id string, last bool, next time.Time) Outcome {
	kind := "p"
	if last {
		kind = "s"
	}
	return Outcome{r: r, kind: kind, id: id, next: next}
}

// Retry records a failed attempt: the message is tried again at next.
func (r *Reservation) Retry(next time.Time, reason string) Outcome {
	return Outcome{r: r, kind: "r", next: next, reason: reason}
}

// Postpone gives the message back untried, to be sent at next; no attempt
// is counted. A non-zero pauseUntil (a 429) stops every send on the
// platform until then, across restarts and processes.
func (r *Reservation) Postpone(next, pauseUntil time.Time) Outcome {
	return Outcome{r: r, kind: "w", next: next, pause: pauseUntil}
}

// Dead gives the message up: it goes to the dead letters with reason. The
// chat's next message may be sent at next.
func (r *Reservation) Dead(reason string, next time.Time) Outcome {
	return Outcome{r: r, kind: "d", next: next, reason: reason}
}

// ChatGone gives up the message and every other message queued for the
// chat: they all go to the dead letters with reason.
func (r *Reservation) ChatGone(reason string) Outcome {
	return Outcome{r: r, kind: "g", reason: reason}
}

// Migrated records that the chat has a new id, newID (a group upgraded to
// a supergroup): the message and everything queued for the chat move
// there, and are sent to the new id.
func (r *Reservation) Migrated(newID string) Outcome {
	return Outcome{r: r, kind: "m", id: newID}
}

// EditAsNew is the EditID of an edit whose message is not in the chat the
// edit goes to.
const EditAsNew = "+"

// Reserved is the answer of Reserve.
type Reserved struct {
	Items []Reservation
	// PausedUntil is set while the platform must not be called (a 429).
	PausedUntil time.Time
	// NextDue is the earliest time at which a chat may become due or a
	// reservation's lease ends; zero when nothing is queued or reserved.
	NextDue time.Time
}

// DeadLetter is a message given up, with why.
type DeadLetter struct {
	Key     string
	Chat    chihuy.ChatRef
	Reason  string
	At      time.Time
	Message chihuy.Message
}

func (s *Store) obBase() string { return s.Key("ob") + ":" }

func (s *Store) obArgs(extra ...any) []any {
	return append([]any{s.obBase(), s.Now().UnixMilli(), DoneTTL.Milliseconds()}, extra...)
}

func validateMessage(m chihuy.Message) error {
	switch {
	case m.Key == "":
		return chihuy.Errorf(chihuy.EINVALID, msgKeyEmpty)
	case len(m.Key) > maxKeyLen || !utf8.ValidString(m.Key) || strings.ContainsAny(m.Key, "\n\r"):
		return chihuy.Errorf(chihuy.EINVALID, msgKeyInvalid, m.Key, maxKeyLen)
	case m.Chat.Platform == "" || m.Chat.ID == "":
		return chihuy.Errorf(chihuy.EINVALID, msgChatMissing, m.Key)
	case m.Priority != chihuy.PriorityReply && m.Priority != chihuy.PriorityBulk:
		return chihuy.Errorf(chihuy.EINVALID, msgPriority, m.Key, int(m.Priority))
	case m.EditOf == m.Key:
		return chihuy.Errorf(chihuy.EINVALID, msgEditSelf, m.Key)
	case m.EditOf != "" && (len(m.EditOf) > maxKeyLen || !utf8.ValidString(m.EditOf) || strings.ContainsAny(m.EditOf, "\n\r")):
		return chihuy.Errorf(chihuy.EINVALID, msgKeyInvalid, m.EditOf, maxKeyLen)
	}
	return nil
}

func prioCode(p chihuy.Priority) string {
	if p == chihuy.PriorityReply {
		return "r"
	}
	return "b"
}

// Enqueue queues messages for sending. A message whose key is queued or
// was sent, given up or cancelled in the last DoneTTL is skipped: added
// counts the messages actually queued. An edit (Message.EditOf) waits for
// the message it edits to be sent, and replaces any older edit of it that
// is still waiting. Messages are checked first: an invalid one fails the
// call with chihuy.EINVALID and nothing is queued.
func (s *Store) Enqueue(ctx context.Context, msgs ...chihuy.Message) (added int, err error) {
	for _, m := range msgs {
		if err := validateMessage(m); err != nil {
			return 0, err
		}
	}
	for len(msgs) > 0 {
		batch := msgs[:min(len(msgs), enqueueBatch)]
		msgs = msgs[len(batch):]
		args := s.obArgs()
		for _, m := range batch {
			js, err := json.Marshal(m)
			if err != nil {
				return added, fmt.Errorf("enqueue %s: %w", m.Key, err)
			}
			args = append(args, m.Key, m.Chat.Platform, m.Chat.ID, prioCode(m.Priority), m.EditOf, js, m.Supersedes)
		}
		n, err := enqueueScript.Run(ctx, s.rdb, []string{s.Key("ob", "pending")}, args...).Int()
		if err != nil {
			return added, fmt.Errorf("enqueue %d messages (first %s): %w", len(batch), batch[0].Key, err)
		}
		added += n
	}
	return added, nil
}

// Reserve gives back the reservations of dead senders on platform, then
// reserves up to n due messages, one per chat, replies first, each for
// lease. Nothing is reserved while the platform is paused by a 429.
func (s *Store) Reserve(ctx context.Context, platform string, n int, lease time.Duration) (Reserved, error) {
	return s.ReserveAs(ctx, platform, "", n, lease)
}

// ReserveAs is Reserve for the sender of instance owner: the reservations
// carry its name, so that ReclaimReservations can give them back at once
// when the instance is known to be gone (or restarted).
func (s *Store) ReserveAs(ctx context.Context, platform, owner string, n int, lease time.Duration) (Reserved, error) {
	if strings.ContainsAny(owner, "\n\r") {
		return Reserved{}, fmt.Errorf("reserve %s outbox: owner %q has a line break", platform, owner)
	}
	now := s.Now()
	raw, err := reserveScript.Run(ctx, s.rdb, []string{s.Key("ob", "fly", platform)},
		s.obArgs(platform, now.Add(lease).UnixMilli(), max(n, 0), owner)...).Slice()
	if err != nil {
		return Reserved{}, fmt.Errorf("reserve %s outbox: %w", platform, err)
	}
	if len(raw) != 3 {
		return Reserved{}, fmt.Errorf("reserve %s outbox: unexpected reply %v", platform, raw)
	}
	var out Reserved
	if ms, _ := raw[0].(int64); ms > now.UnixMilli() {
		out.PausedUntil = time.UnixMilli(ms)
	}
	if ms, _ := raw[1].(int64); ms > 0 {
		out.NextDue = time.UnixMilli(ms)
	}
	items, _ := raw[2].([]any)
	for _, it := range items {
		r, err := parseReservation(platform, it)
		if err != nil {
			return out, fmt.Errorf("reserve %s outbox: %w", platform, err)
		}
		out.Items = append(out.Items, r)
	}
	return out, nil
}

func parseReservation(platform string, it any) (Reservation, error) {
	f, ok := it.([]any)
	if !ok || len(f) != 8 {
		return Reservation{}, fmt.Errorf("unexpected reservation %v", it)
	}
	str := func(i int) string { s, _ := f[i].(string); return s }
	num := func(i int) int64 { n, _ := strconv.ParseInt(str(i), 10, 64); return n }
	r := Reservation{Chat: chihuy.ChatRef{Platform: platform, ID: str(0)}, token: str(1),
		Part: int(num(3)), Attempts: int(num(5)), EditID: str(7)}
	if _, rest, ok := strings.Cut(r.token, "\n"); ok {
		r.Key, _, _ = strings.Cut(rest, "\n")
	}
	if ids := str(4); ids != "" {
		r.SentIDs = strings.Split(ids, "\n")
	}
	if since := num(6); since > 0 {
		r.FailingSince = time.UnixMilli(since)
	}
	if err := json.Unmarshal([]byte(str(2)), &r.Message); err != nil {
		return r, fmt.Errorf("decode queued message %s: %w", r.Key, err)
	}
	// The queue's chat is the truth: it differs from the message's when
	// the chat migrated after the message was queued.
	r.Message.Chat = r.Chat
	return r, nil
}

var reclaimScript = redis.NewScript(outboxLib + `
local P = ARGV[4]
local fly, res = B .. 'fly:' .. P, B .. 'res:' .. P
local n = 0
for i = 5, #ARGV, 2 do
  local c, v = ARGV[i], ARGV[i+1]
  if redis.call('HGET', res, c) == v then
    redis.call('HDEL', res, c)
    redis.call('ZREM', fly, c)
    local pr, entry, k = parse(v)
    restore(P, c, pr, entry, k)
    requeue(P, c, NOW)
    n = n + 1
  end
end
if n > 0 then redis.call('PUBLISH', B .. 'wake:' .. P, '1') end
return n`)

// ReclaimReservations gives back at once, without waiting for their lease
// to end, the reservations on platform of the instances for which gone
// returns true (a sender that restarted under its name, or whose
// heartbeat lapsed): their messages are sent again (at least once). It
// returns how many were given back.
func (s *Store) ReclaimReservations(ctx context.Context, platform string, gone func(owner string) bool) (int, error) {
	res, err := s.rdb.HGetAll(ctx, s.Key("ob", "res", platform)).Result()
	if err != nil {
		return 0, fmt.Errorf("reclaim %s reservations: %w", platform, err)
	}
	args := s.obArgs(platform)
	verdict := map[string]bool{}
	for c, v := range res {
		parts := strings.SplitN(v, "\n", 4)
		if len(parts) < 4 || parts[3] == "" {
			continue // reserved by a sender without a name: its lease decides
		}
		owner := parts[3]
		g, ok := verdict[owner]
		if !ok {
			g = gone(owner)
			verdict[owner] = g
		}
		if g {
			args = append(args, c, v)
		}
	}
	if len(args) == len(s.obArgs(platform)) {
		return 0, nil
	}
	n, err := reclaimScript.Run(ctx, s.rdb, []string{s.Key("ob", "fly", platform)}, args...).Int()
	if err != nil {
		return 0, fmt.Errorf("reclaim %s reservations: %w", platform, err)
	}
	return n, nil
}

// Settle records the outcomes of reservations, in one round trip per
// platform. Settling a reservation whose lease ended and that another
// sender took over records a confirmed send but changes nothing else.
func (s *Store) Settle(ctx context.Context, outcomes ...Outcome) error {
	byPlatform := map[string][]any{}
	var order []string
	for _, o := range outcomes {
		if o.r == nil {
			return fmt.Errorf("settle: outcome without a reservation")
		}
		p := o.r.Chat.Platform
		if _, ok := byPlatform[p]; !ok {
			order = append(order, p)
		}
		byPlatform[p] = append(byPlatform[p], o.kind, o.r.Chat.ID, o.r.token, o.r.Part, o.id,
			unixMilli(o.next), o.reason, unixMilli(o.pause), o.window)
	}
	for _, p := range order {
		args := s.obArgs(append([]any{p}, byPlatform[p]...)...)
		if err := settleScript.Run(ctx, s.rdb, []string{s.Key("ob", "fly", p)}, args...).Err(); err != nil {
			return fmt.Errorf("settle %d %s outbox outcomes: %w", len(byPlatform[p])/9, p, err)
		}
	}
	return nil
}

// CancelQueued removes the queued messages whose key starts with keyPrefix
// (a cancelled directive's "cd:CD-12-0042:"): they are never sent, and
// their keys count as done. A message being sent right now, or of which a
// part was already sent, is left to finish. It returns how many were
// removed.
func (s *Store) CancelQueued(ctx context.Context, keyPrefix string) (int, error) {
	if keyPrefix == "" {
		return 0, chihuy.Errorf(chihuy.EINVALID, msgPrefixEmpty)
	}
	total, from := 0, "["+keyPrefix
	for {
		raw, err := cancelScript.Run(ctx, s.rdb, []string{s.Key("ob", "pending")},
			s.obArgs(from, "["+keyPrefix+"\xff", cancelBatch)...).Slice()
		if err != nil {
			return total, fmt.Errorf("cancel queued %q: %w", keyPrefix, err)
		}
		if len(raw) != 3 {
			return total, fmt.Errorf("cancel queued %q: unexpected reply %v", keyPrefix, raw)
		}
		n, _ := raw[0].(int64)
		seen, _ := raw[1].(int64)
		last, _ := raw[2].(string)
		total += int(n)
		if seen < cancelBatch {
			return total, nil
		}
		from = "(" + last
	}
}

// Known counts the keys that were enqueued (queued, sent, given up or
// cancelled within DoneTTL): a job run again after a crash skips the units
// whose messages it already queued.
func (s *Store) Known(ctx context.Context, keys ...string) (int, error) {
	if len(keys) == 0 {
		return 0, nil
	}
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = s.Key("ob", "m", k)
	}
	n, err := s.rdb.Exists(ctx, full...).Result()
	if err != nil {
		return 0, fmt.Errorf("known message keys (first %s): %w", keys[0], err)
	}
	return int(n), nil
}

// SentMessageID returns the platform message id a key became once sent
// (its first part's, for a message sent in parts); ok is false while the
// key is not sent, or was given up, cancelled or forgotten.
func (s *Store) SentMessageID(ctx context.Context, key string) (id string, ok bool, err error) {
	ids, err := s.SentMessageIDs(ctx, key)
	if err != nil || len(ids) == 0 {
		return "", false, err
	}
	return ids[0], true, nil
}

// SentMessageIDs returns the platform ids of every part a sent key became,
// in order; nil while it is not sent.
func (s *Store) SentMessageIDs(ctx context.Context, key string) ([]string, error) {
	f, err := s.rdb.HMGet(ctx, s.Key("ob", "m", key), "st", "ids").Result()
	if err != nil {
		return nil, fmt.Errorf("sent message id of %s: %w", key, err)
	}
	if st, _ := f[0].(string); st != "s" {
		return nil, nil
	}
	ids, _ := f[1].(string)
	return strings.Split(ids, "\n"), nil
}

// OutboxDepth counts the messages queued for platform, by priority.
func (s *Store) OutboxDepth(ctx context.Context, platform string) (reply, bulk int64, err error) {
	f, err := s.rdb.HMGet(ctx, s.Key("ob", "depth", platform), "r", "b").Result()
	if err != nil {
		return 0, 0, fmt.Errorf("outbox depth of %s: %w", platform, err)
	}
	num := func(v any) int64 { s, _ := v.(string); n, _ := strconv.ParseInt(s, 10, 64); return n }
	return num(f[0]), num(f[1]), nil
}

// DeadLetters returns up to n of platform's newest dead letters.
func (s *Store) DeadLetters(ctx context.Context, platform string, n int) ([]DeadLetter, error) {
	if n <= 0 {
		return nil, nil
	}
	raw, err := s.rdb.LRange(ctx, s.Key("ob", "dead", platform), 0, int64(n-1)).Result()
	if err != nil {
		return nil, fmt.Errorf("dead letters of %s: %w", platform, err)
	}
	out := make([]DeadLetter, 0, len(raw))
	for _, js := range raw {
		var rec struct {
			Key, P, C, Reason, At, Msg string
		}
		if err := json.Unmarshal([]byte(js), &rec); err != nil {
			return out, fmt.Errorf("dead letters of %s: decode: %w", platform, err)
		}
		d := DeadLetter{Key: rec.Key, Chat: chihuy.ChatRef{Platform: rec.P, ID: rec.C}, Reason: rec.Reason}
		if ms, err := strconv.ParseInt(rec.At, 10, 64); err == nil {
			d.At = time.UnixMilli(ms)
		}
		if err := json.Unmarshal([]byte(rec.Msg), &d.Message); err != nil {
			return out, fmt.Errorf("dead letter %s of %s: decode message: %w", rec.Key, platform, err)
		}
		out = append(out, d)
	}
	return out, nil
}

// WatchOutbox tells when something is queued for platform: wake receives
// (coalesced, never blocking the publisher) after each Enqueue that queued
// a message for it. stop ends the watch. Wake-ups are a hint for low
// latency; a sender still polls, since none arrive while it is not
// subscribed.
func (s *Store) WatchOutbox(ctx context.Context, platform string) (wake <-chan struct{}, stop func()) {
	ps := s.rdb.Subscribe(ctx, s.obBase()+"wake:"+platform)
	ch := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range ps.Channel() {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}()
	return ch, func() {
		ps.Close()
		<-done
	}
}
