-- Appends one chat message to a room, atomically, as the hot path's single
-- Redis round trip:
--   1. a (user, room, clientId) seen before returns the original message;
--   2. the user's cluster-wide token bucket is charged (when the limit is on);
--   3. XADD to the room's stream (Redis assigns the id: the room's order);
--   4. PUBLISH the stored message on MESSAGES (ARGV[10]), in that same order;
--   5. remember the clientId;
--   6. when the archive feed exists, XADD the same message JSON to it.
-- Nothing is published that was not stored, and nothing is stored twice.
--
-- The archive feed (KEYS[4], redis/archive-feed.ts) exists once any process registered
-- an archive; from then on every instance feeds it, whatever its own settings, and the
-- room stream is no longer trimmed here: the archivers trim it once its messages are
-- committed to PostgreSQL (so nothing unarchived is dropped). A stream trimmed empty
-- stays a key, so the feed keeps existing. Without a feed, rooms are capped here at
-- about `retention` entries (MAXLEN ~), as before the archive. Room and feed are written
-- in one script, so within a room the feed's order is the room's order.
--
-- KEYS[1] room stream   KEYS[2] clientId key   KEYS[3] rate bucket   KEYS[4] archive feed
-- ARGV[1] roomId  ARGV[2] userId  ARGV[3] username  ARGV[4] text  ARGV[5] clientId
-- ARGV[6] retention  ARGV[7] clientId ttl (s)  ARGV[8] rate per s (0 = off)
-- ARGV[9] burst  ARGV[10] channel  ARGV[11] origin instance id
-- Returns {1, message json} stored, {2, message json} duplicate, {3, retry after ms}.

local existing = redis.call('GET', KEYS[2])
if existing then
  return {2, existing}
end

local rate = tonumber(ARGV[8])
if rate > 0 then
  local wait = take_token(KEYS[3], rate, tonumber(ARGV[9]))
  if wait > 0 then
    return {3, wait}
  end
end

local archived = redis.call('EXISTS', KEYS[4]) == 1
local id
if archived then
  id = redis.call('XADD', KEYS[1], '*',
    'userId', ARGV[2], 'username', ARGV[3], 'text', ARGV[4], 'clientId', ARGV[5])
else
  id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[6], '*',
    'userId', ARGV[2], 'username', ARGV[3], 'text', ARGV[4], 'clientId', ARGV[5])
end

-- createdAt comes from the id (Redis's clock), formatted as JavaScript's
-- Date#toISOString would, so that history and live messages agree exactly.
local function iso8601(ms)
  local seconds = math.floor(ms / 1000)
  local days = math.floor(seconds / 86400)
  local rest = seconds % 86400
  -- civil_from_days (H. Hinnant), for days since 1970-01-01
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524) - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local day = doy - math.floor((153 * mp + 2) / 5) + 1
  local month = mp < 10 and mp + 3 or mp - 9
  local year = yoe + era * 400
  if month <= 2 then year = year + 1 end
  return string.format('%04d-%02d-%02dT%02d:%02d:%02d.%03dZ', year, month, day,
    math.floor(rest / 3600), math.floor(rest % 3600 / 60), rest % 60, ms % 1000)
end

local ms = tonumber(string.match(id, '^(%d+)'))
local message = cjson.encode({
  id = id, roomId = ARGV[1], userId = ARGV[2], username = ARGV[3],
  text = ARGV[4], clientId = ARGV[5], createdAt = iso8601(ms)
})
redis.call('PUBLISH', ARGV[10], '{"origin":' .. cjson.encode(ARGV[11]) .. ',"message":' .. message .. '}')
redis.call('SET', KEYS[2], message, 'EX', ARGV[7])
-- Field `m`: a stored message, whole (archive-feed.ts lists the entry kinds).
if archived then
  redis.call('XADD', KEYS[4], '*', 'm', message)
end
return {1, message}
