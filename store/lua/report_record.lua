-- Applies one report of unit (see RecordReport and the layout in
-- reports.go): its own values (elements: e the element, kind "x" for Max,
-- "c" for Sum, which also keeps the cumulative totals, "s" for Latest,
-- value), the aggregates of its ancestors (nearest first) and, for each
-- Max element in order, the sets of the children's values of each
-- ancestor (maxSets, n per Max element). Returns {first (0/1), previous
-- (flat pairs), report (HGETALL)}.
local n = #ancestors
local m = #elements
local elems, kinds, vals = {}, {}, {}
for j, el in ipairs(elements) do
  elems[j], kinds[j], vals[j] = el.e, el.kind, el.value
end
local old = redis.call('HMGET', unitReport, unpack(elems))
local hs = {'_b', by, '_c', chat, '_t', at}
for j = 1, m do
  hs[#hs+1] = elems[j]
  hs[#hs+1] = vals[j]
end
redis.call('HSET', unitReport, unpack(hs))
local first = redis.call('HSETNX', firsts, unit, at)
redis.call('HINCRBY', firsts, '_n', 1)
redis.call('ZADD', days, 'NX', score, day)
redis.call('RPUSH', history, entry)
for i = 1, n do
  redis.call('SADD', touched, 'a:' .. ancestors[i])
end
local prev = {}
local mj = 0
for j = 1, m do
  local e, v, o = elems[j], tonumber(vals[j]), old[j]
  if o then
    prev[#prev+1] = e
    prev[#prev+1] = o
    o = tonumber(o)
  end
  if kinds[j] == 'x' then
    mj = mj + 1
    if o ~= v then
      local child, c = unit, v
      local below = tonumber(redis.call('HGET', unitAgg, e))
      if below and below > c then c = below end
      for i = 1, n do
        local anc = ancestors[i]
        local zk = maxSets[(mj-1)*n + i]
        redis.call('ZADD', zk, string.format('%d', c), child)
        redis.call('SADD', touched, 'm:' .. anc .. ':' .. e)
        local top = tonumber(redis.call('ZREVRANGE', zk, 0, 0, 'WITHSCORES')[2])
        local ak = ancAggs[i]
        if tonumber(redis.call('HGET', ak, e)) == top then break end
        redis.call('HSET', ak, e, string.format('%d', top))
        c = top
        local own = tonumber(redis.call('HGET', ancReports[i], e))
        if own and own > c then c = own end
        child = anc
      end
    end
  else
    local d = v - (o or 0)
    if (not o) or d ~= 0 then
      local ds = string.format('%d', d)
      for i = 1, n do
        redis.call('HINCRBY', ancAggs[i], e, ds)
      end
      if kinds[j] == 'c' then
        redis.call('HINCRBY', unitCum, e, ds)
        for i = 1, n do
          redis.call('HINCRBY', ancCums[i], e, ds)
        end
      end
    end
  end
end
return {first, prev, redis.call('HGETALL', unitReport)}
