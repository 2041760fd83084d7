-- Counts a user's unread messages in several rooms inside Redis, so that no
-- message body leaves it (lib/unread.lua counts one room: at most the cap, after
-- the user's read marker, bounded work per room, mentions among them). A room
-- without a marker counts from its start, except public rooms (never opened),
-- which count 0.
--
-- KEYS[1] the user's read hash   KEYS[2i] room i's stream   KEYS[2i + 1] its mention overrides
-- ARGV[1] user id   ARGV[2] cap   ARGV[1 + 2i] room i's id   ARGV[2 + 2i] '1' if public
-- Returns two counts per room (unread, mentions), in the order given.
local user = ARGV[1]
local cap = tonumber(ARGV[2])
local counts = {}
for i = 1, (#KEYS - 1) / 2 do
  local marker = redis.call('HGET', KEYS[1], ARGV[2 * i + 1])
  local count, mentions = 0, 0
  if marker or ARGV[2 * i + 2] ~= '1' then
    count, mentions = unread_in_room(KEYS[2 * i], KEYS[2 * i + 1], marker, user, cap)
  end
  counts[#counts + 1] = count
  counts[#counts + 1] = mentions
end
return counts
