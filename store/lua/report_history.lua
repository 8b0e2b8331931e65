-- The entries of a history list that start with prefix (the unit and a
-- tab), oldest first.
local out = {}
for _, x in ipairs(redis.call('LRANGE', history, 0, -1)) do
  if string.sub(x, 1, #prefix) == prefix then out[#out+1] = x end
end
return out
