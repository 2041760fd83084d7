-- Trims one room stream after its messages up to W were committed to the archive:
-- removes the oldest entries with id <= W, at most XLEN - retention of them (and at
-- most ARGV[3] per call, to keep the script short), with their states, change index
-- entries, reply lists and mention overrides (lib/room-log.lua), so the room keeps at
-- least `retention` messages and never loses one that is not in PostgreSQL. Refuses
-- while the backfill marker is absent: then the room may hold messages from before the
-- feed that no archiver copied yet.
--
-- KEYS[1..6] the room's log (keys.ts roomLog)   KEYS[7] backfill marker
-- ARGV[1] W (newest archived message id)   ARGV[2] retention   ARGV[3] most removed per call
-- Returns the number of entries removed, or -1 when the backfill marker is absent.

if redis.call('EXISTS', KEYS[7]) == 0 then return -1 end
local log = room_log(1)
local excess = redis.call('XLEN', log[1]) - tonumber(ARGV[2])
if excess <= 0 then return 0 end
local most = tonumber(ARGV[3])
if excess > most then excess = most end
return room_trim_oldest(log, excess, ARGV[1])
