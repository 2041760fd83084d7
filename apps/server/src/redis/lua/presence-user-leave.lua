-- Cluster mode: removes one instance from a user's presence hash (the user's last socket
-- there closed, or a reaper clears a dead instance) and answers whether this removal took
-- the user offline everywhere (1) or not (0). Only the call whose HDEL removed the last
-- field answers 1, so of a disconnect and any number of reapers racing over the same user
-- exactly one announces them offline; a re-run (a reaper that died midway) answers 0.
-- KEYS[1] the user's presence hash (instance id → 1)
-- ARGV[1] the instance id to remove
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 and redis.call('EXISTS', KEYS[1]) == 0 then
  return 1
end
return 0
