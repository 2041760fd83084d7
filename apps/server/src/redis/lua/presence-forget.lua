-- Cluster mode: the last step of reaping a dead instance, after its users and its hash are
-- gone: removes it from the instances set, unless it renewed its heartbeat meanwhile (it
-- was only frozen). Until this step the instance stays listed as dead, so a reaper that
-- died midway is followed by another that redoes the (idempotent) cleanup.
-- KEYS[1] instances zset  ARGV[1] instance id
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if expiry and tonumber(expiry) < now_ms() then
  return redis.call('ZREM', KEYS[1], ARGV[1])
end
return 0
