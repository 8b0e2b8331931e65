-- unit acknowledges the directive.
local c = answerable(unit)
if c < 0 then return c end
return ack(unit, at, by)
