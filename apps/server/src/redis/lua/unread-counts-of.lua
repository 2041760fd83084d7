-- Cluster mode (issue 15): lua/unread-counts.lua for the rooms of one room partition (one
-- slot), with the user's read markers passed in (read before with one HMGET in the user's
-- slot, which no script touching the rooms may also touch). Same counts, same rules: a room
-- without a marker counts from its start, except public rooms, which count 0.
--
-- KEYS[2i - 1] room i's stream   KEYS[2i] its mention overrides
-- ARGV[1] user id   ARGV[2] cap   ARGV[1 + 2i] room i's marker ('' for none)
-- ARGV[2 + 2i] '1' if public
-- Returns two counts per room (unread, mentions), in the order given.
local user = ARGV[1]
local cap = tonumber(ARGV[2])
local counts = {}
for i = 1, #KEYS / 2 do
  local marker = ARGV[2 * i + 1]
  if marker == '' then marker = nil end
  local count, mentions = 0, 0
  if marker or ARGV[2 * i + 2] ~= '1' then
    count, mentions = unread_in_room(KEYS[2 * i - 1], KEYS[2 * i], marker, user, cap)
  end
  counts[#counts + 1] = count
  counts[#counts + 1] = mentions
end
return counts
