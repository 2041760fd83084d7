-- Cluster mode: a user's first socket on this instance opened. Marks the instance in the
-- user's own presence hash (the user's slot, nothing else read) and answers whether the user
-- was offline everywhere (1: no other instance holds them) or already online (0).
-- A field of a dead instance not yet reaped still counts: nobody announced that user
-- offline yet, so nobody must announce them online either (the reaper, removing the dead
-- field, then finds this one and stays silent). See docs/ARCHITECTURE.md "Cluster mode: presence".
-- KEYS[1] the user's presence hash (instance id → 1)
-- ARGV[1] this instance's id
-- A field already there (a disconnect that failed midway) means they never went offline: 0.
if redis.call('HSET', KEYS[1], ARGV[1], 1) == 1 and redis.call('HLEN', KEYS[1]) == 1 then
  return 1
end
return 0
