-- Registers the archive: creates the feed stream and the archivers' consumer group
-- (from the feed's first entry), atomically, once; a second call changes nothing.
-- When the feed did not exist, appends until now were not fed (or the feed was lost),
-- so the backfill marker is cleared: the archivers copy every room stream again
-- before any of them trims one (idempotent, so repeating it is harmless).
--
-- KEYS[1] feed   KEYS[2] backfill marker   ARGV[1] group
-- Returns 1 when it created the feed, 0 when it existed.

local created = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  created = 1
end
local ok, err = pcall(redis.call, 'XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM')
if not ok and not string.find(tostring(err), 'BUSYGROUP', 1, true) then
  return redis.error_reply(tostring(err))
end
return created
