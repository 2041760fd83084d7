-- Cluster mode (issue 15): writes a room and its first members, both in the room's slot, in
-- one step, unless the room exists; answers the room as stored. What must be unique (a
-- public name, the DM of a pair) and the users' room lists live in other slots and are
-- written by room-store.ts in an order that makes a crash between the steps harmless. For a
-- DM, several callers may run this with the same id (docs/ARCHITECTURE.md "Cluster mode:
-- stores across slots"): the first one's fields stay and every caller gets them.
-- KEYS[1] room key  KEYS[2] members key
-- ARGV[1] id  ARGV[2] name  ARGV[3] kind  ARGV[4] createdBy  ARGV[5] createdAt
-- ARGV[6..] member ids
-- Returns {created (0/1), flat hash of the stored room}.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'name', ARGV[2], 'kind', ARGV[3],
  'createdBy', ARGV[4], 'createdAt', ARGV[5])
for i = 6, #ARGV do
  redis.call('SADD', KEYS[2], ARGV[i])
end
return {1, redis.call('HGETALL', KEYS[1])}
