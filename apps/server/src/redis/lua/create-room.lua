-- Stores a room and its first members in one step. A public room reserves its
-- name (case-insensitive) and joins the public list; a private room or DM is
-- added to each member's own list.
-- KEYS[1] room key  KEYS[2] members key  KEYS[3] public name key (public only)
-- KEYS[4] public rooms zset  KEYS[5..] members' room sets (private/dm only)
-- ARGV[1] id  ARGV[2] name  ARGV[3] kind  ARGV[4] createdBy  ARGV[5] createdAt
-- ARGV[6] createdAt ms  ARGV[7..] member ids
if ARGV[3] == 'public' then
  if not redis.call('SET', KEYS[3], ARGV[1], 'NX') then
    return 0
  end
  redis.call('ZADD', KEYS[4], ARGV[6], ARGV[1])
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'name', ARGV[2], 'kind', ARGV[3],
  'createdBy', ARGV[4], 'createdAt', ARGV[5])
for i = 7, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
end
if ARGV[3] ~= 'public' then
  for i = 5, #KEYS do
    redis.call('ZADD', KEYS[i], ARGV[6], ARGV[1])
  end
end
return 1
