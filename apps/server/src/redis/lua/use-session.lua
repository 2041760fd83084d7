-- Reads a session and, when asked, slides its idle expiry, in one step, so a
-- session is never extended past its absolute expiry nor revived once gone.
-- KEYS[1] session key: "<user id> <absolute expiry ms>" (a bare user id from
--         before idle expiry existed keeps its own TTL)
-- ARGV[1] idle TTL in ms; 0 only reads
-- Returns {user id, ms until it ends unless used again} or nil.
local value = redis.call('GET', KEYS[1])
if not value then
  return nil
end
local userId, absolute = string.match(value, '^(%S+) (%d+)$')
local idle = tonumber(ARGV[1])
if not userId or idle <= 0 then
  return { userId or value, math.max(redis.call('PTTL', KEYS[1]), 0) }
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local ttl = math.min(idle, tonumber(absolute) - now)
if ttl <= 0 then
  redis.call('DEL', KEYS[1])
  return nil
end
redis.call('PEXPIRE', KEYS[1], ttl)
return { userId, ttl }
