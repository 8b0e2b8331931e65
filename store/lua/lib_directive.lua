-- Functions shared by the directive scripts: meta and targets are keys of
-- one directive (see directives.go).

local function state()
  return redis.call('HGET', meta, 'state')
end
local function istarget(u)
  return redis.call('HEXISTS', targets, u) == 1
end
local function num(v) return tonumber(v) or 0 end
-- settle counts a unit settled once its chats are all reached or failed,
-- and marks the broadcast finished when every unit is.
local function settle(u, ok, ko, when)
  local tv = redis.call('HGET', targets, u)
  local exp = tonumber((string.match(tv, '|(%d+)$'))) or 1
  if ok + ko == exp then
    local n = redis.call('HINCRBY', meta, 'settled', 1)
    if n >= num(redis.call('HGET', meta, 'total')) and state() ~= 'pending' then
      redis.call('HSETNX', meta, 'finished', when)
    end
  end
  return exp
end
