-- A user's first connection on this instance. Records it in the instance's
-- hash and answers whether the user was offline everywhere (1) or already
-- online on another live instance (0).
-- KEYS[1] instances zset  KEYS[2] this instance's hash
-- ARGV[1] instance id  ARGV[2] user id  ARGV[3] username  ARGV[4] key prefix of instance hashes
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now_ms(), '+inf')
for _, instance in ipairs(live) do
  if instance ~= ARGV[1] and redis.call('HEXISTS', ARGV[4] .. instance, ARGV[2]) == 1 then
    return 0
  end
end
return 1
