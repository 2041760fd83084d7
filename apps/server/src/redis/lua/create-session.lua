-- Stores a session and indexes it under its user, in one step, with Redis's
-- clock (instances' clocks may disagree).
-- KEYS[1] session key  KEYS[2] the user's session index (sorted set)
-- ARGV[1] user id  ARGV[2] token hash  ARGV[3] absolute TTL ms  ARGV[4] idle TTL ms
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local absolute = now + tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. absolute, 'PX',
  math.min(tonumber(ARGV[3]), tonumber(ARGV[4])))
redis.call('ZADD', KEYS[2], absolute, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('PEXPIREAT', KEYS[2], absolute)
return 1
