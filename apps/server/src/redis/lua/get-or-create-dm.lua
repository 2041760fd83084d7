-- The one DM room of two users: the first caller creates it, everyone after
-- (including a caller racing on another instance) gets the same room id.
-- KEYS[1] dm pair key  KEYS[2] room key  KEYS[3] members key
-- KEYS[4] user A's room set  KEYS[5] user B's room set
-- ARGV[1] id  ARGV[2] name  ARGV[3] createdBy  ARGV[4] createdAt  ARGV[5] createdAt ms
-- ARGV[6] user A  ARGV[7] user B
-- Returns {created (0/1), room id}.
local existing = redis.call('GET', KEYS[1])
if existing then
  return {0, existing}
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'name', ARGV[2], 'kind', 'dm',
  'createdBy', ARGV[3], 'createdAt', ARGV[4])
redis.call('SADD', KEYS[3], ARGV[6], ARGV[7])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
return {1, ARGV[1]}
