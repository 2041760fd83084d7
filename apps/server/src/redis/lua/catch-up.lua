-- The catch-up of `room:join` with `after` (protocol v1.1), in one snapshot:
--   the newest ARGV[2] messages after `after` (one more to know whether more were missed),
--   each with its current state; the room's oldest retained id; the current state of
--   messages at or before `after` changed after `after` was stored (the change index holds
--   one entry per message, its latest change, in the room stream's id space, so "after
--   `after`" is one range read), at most ARGV[2], looking at no more than ARGV[3] index
--   entries; and the newest point of the room's order the read reflects.
--
-- KEYS[1..6] the room's log (keys.ts roomLog)
-- ARGV[1] after  ARGV[2] limit  ARGV[3] change index entries looked at, at most
-- Returns {as of, oldest id or false, entries, their states, updated states}.

local log = room_log(1)
local after = ARGV[1]
local limit = tonumber(ARGV[2])
local entries = redis.call('XREVRANGE', log[1], '+', '(' .. after, 'COUNT', limit + 1)
local oldest = redis.call('XRANGE', log[1], '-', '+', 'COUNT', 1)[1]
local states = {}
if #entries > 0 then
  local ids = {}
  for i, entry in ipairs(entries) do ids[i] = entry[1] end
  states = redis.call('HMGET', log[2], unpack(ids))
end

local changed = {}
local scanned = redis.call('XREVRANGE', log[3], '+', '(' .. after, 'COUNT', tonumber(ARGV[3]))
for _, entry in ipairs(scanned) do
  local id = entry[2][2]
  if id_compare(id, after) <= 0 then
    changed[#changed + 1] = id
    if #changed == limit then break end
  end
end
local updated = {}
if #changed > 0 then updated = redis.call('HMGET', log[2], unpack(changed)) end
return {room_as_of(log), oldest and oldest[1] or false, entries, states, updated}
