-- Cluster mode (issue 15): the first half of lua/create-session.lua, in the user's slot:
-- indexes a session under its user (with Redis's clock) before session-store.ts writes the
-- session itself in the token's slot, so that a live session is never unindexed ("log out
-- everywhere" finds it). Drops index entries past their expiry.
-- KEYS[1] the user's session index (sorted set)
-- ARGV[1] token hash  ARGV[2] absolute TTL ms
-- Returns the session's absolute expiry (ms since the epoch, this node's clock).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local absolute = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], absolute, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('PEXPIREAT', KEYS[1], absolute)
return absolute
