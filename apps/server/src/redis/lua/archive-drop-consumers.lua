-- Removes consumers of the archivers' group that hold nothing: those idle longer than
-- ARGV[2] ms (archivers that died after their entries were claimed by others) and
-- ARGV[1] (an archiver leaving; '' for none). Atomic, so no entry can be delivered to
-- a consumer between the check and its removal: a removed consumer had nothing pending,
-- and a live one that reads again is simply created again.
--
-- KEYS[1] feed   ARGV[1] leaving consumer or ''   ARGV[2] idle ms   ARGV[3] group
-- Returns the number of consumers removed.

local ok, consumers = pcall(redis.call, 'XINFO', 'CONSUMERS', KEYS[1], ARGV[3])
if not ok then return 0 end
local removed = 0
local idleMs = tonumber(ARGV[2])
for _, consumer in ipairs(consumers) do
  local fields = {}
  for i = 1, #consumer, 2 do fields[consumer[i]] = consumer[i + 1] end
  if tonumber(fields['pending']) == 0
    and (fields['name'] == ARGV[1] or tonumber(fields['idle']) > idleMs) then
    redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[3], fields['name'])
    removed = removed + 1
  end
end
return removed
