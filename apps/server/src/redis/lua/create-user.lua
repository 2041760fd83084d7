-- Creates a user unless the username is taken regardless of case; both keys
-- in one step, so a crash never leaves a name reserved without its user.
-- KEYS[1] username key  KEYS[2] user key
-- ARGV[1] id  ARGV[2] username  ARGV[3] password hash  ARGV[4] createdAt
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  return 0
end
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'username', ARGV[2],
  'passwordHash', ARGV[3], 'createdAt', ARGV[4])
return 1
