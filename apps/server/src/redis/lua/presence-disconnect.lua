-- A user's last connection on this instance closed (after the grace period).
-- Answers whether the user is now offline everywhere (1) or still online on
-- another live instance (0).
-- KEYS[1] instances zset  KEYS[2] this instance's hash
-- ARGV[1] instance id  ARGV[2] user id  ARGV[3] key prefix of instance hashes
redis.call('HDEL', KEYS[2], ARGV[2])
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now_ms(), '+inf')
for _, instance in ipairs(live) do
  if instance ~= ARGV[1] and redis.call('HEXISTS', ARGV[3] .. instance, ARGV[2]) == 1 then
    return 0
  end
end
return 1
