-- Moves what is queued for chat 'from' of platform P to chat 'to'.
return migrate(P, from, to)
