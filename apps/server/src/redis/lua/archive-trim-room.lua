-- Trims one room stream after its messages up to W were committed to the archive:
-- removes the oldest entries with id <= W, at most XLEN - retention of them (and at
-- most ARGV[3] per call, to keep the script short), so the room keeps at least
-- `retention` messages and never loses one that is not in PostgreSQL. Refuses while
-- the backfill marker is absent: then the room may hold messages from before the feed
-- that no archiver copied yet.
--
-- KEYS[1] room stream   KEYS[2] backfill marker
-- ARGV[1] W (newest archived message id)   ARGV[2] retention   ARGV[3] most removed per call
-- Returns the number of entries removed, or -1 when the backfill marker is absent.

if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
local excess = redis.call('XLEN', KEYS[1]) - tonumber(ARGV[2])
if excess <= 0 then return 0 end
local most = tonumber(ARGV[3])
if excess > most then excess = most end
local oldest = redis.call('XRANGE', KEYS[1], '-', ARGV[1], 'COUNT', excess)
if #oldest == 0 then return 0 end
redis.call('XTRIM', KEYS[1], 'MINID', stream_id_successor(oldest[#oldest][1]))
return #oldest
