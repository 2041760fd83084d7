-- One page of a room's retained history with each message's current state, in one
-- snapshot: XREVRANGE (or XRANGE, from the oldest end) with COUNT, the room's oldest
-- retained id, and HMGET of the page's states (the stream holds the order, the state
-- hash what each message is now: lib/room-log.lua). A state is absent only for entries
-- written before message changes, which hold the message in the entry itself.
--
-- KEYS[1..6] the room's log (keys.ts roomLog)
-- ARGV[1] start  ARGV[2] end (XRANGE's order: low, high)  ARGV[3] count  ARGV[4] '1' oldest first
-- Returns {oldest id or false, entries, their states}.

local log = room_log(1)
local entries
if ARGV[4] == '1' then
  entries = redis.call('XRANGE', log[1], ARGV[1], ARGV[2], 'COUNT', tonumber(ARGV[3]))
else
  entries = redis.call('XREVRANGE', log[1], ARGV[2], ARGV[1], 'COUNT', tonumber(ARGV[3]))
end
local oldest = redis.call('XRANGE', log[1], '-', '+', 'COUNT', 1)[1]
local states = {}
if #entries > 0 then
  local ids = {}
  for i, entry in ipairs(entries) do ids[i] = entry[1] end
  states = redis.call('HMGET', log[2], unpack(ids))
end
return {oldest and oldest[1] or false, entries, states}
