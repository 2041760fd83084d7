-- Trims the archive feed up to the archivers' safe point S, atomically (Redis 7.0 has
-- no XTRIM ... ACKED, and between two separate reads another archiver could take
-- entries): S is the group's oldest pending entry when one is pending, else the entry
-- after its last-delivered id. Every entry older than S was delivered and acknowledged,
-- i.e. committed to PostgreSQL by some archiver; nothing at or after S is touched, so an
-- entry nobody committed yet is never trimmed.
--
-- KEYS[1] feed   ARGV[1] group
-- Returns {S, entries trimmed}, or false when the feed or its group does not exist.

local ok, groups = pcall(redis.call, 'XINFO', 'GROUPS', KEYS[1])
if not ok then return false end
local lastDelivered
for _, group in ipairs(groups) do
  local fields = {}
  for i = 1, #group, 2 do fields[group[i]] = group[i + 1] end
  if fields['name'] == ARGV[1] then lastDelivered = fields['last-delivered-id'] end
end
if not lastDelivered then return false end

local safe
local pending = redis.call('XPENDING', KEYS[1], ARGV[1])
if tonumber(pending[1]) > 0 then
  safe = pending[2]
else
  safe = stream_id_successor(lastDelivered)
end
local trimmed = redis.call('XTRIM', KEYS[1], 'MINID', safe)
return {safe, trimmed}
