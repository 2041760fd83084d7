-- Appends one chat message to a room, atomically, as the hot path's single
-- Redis round trip:
--   1. a (user, room, clientId) seen before returns the original message, as it is now;
--   2. the user's cluster-wide token bucket is charged (when the limit is on);
--   3. a reply's original must be a retained, undeleted message of the room: its snapshot;
--   4. XADD to the room's stream (Redis assigns the id: the room's order), with what
--      readers need at ordering time (author, mention ids, original); the message itself
--      goes to the room's state hash, which changes overwrite (lib/room-log.lua);
--   5. PUBLISH the stored message on MESSAGES (ARGV[10]), in that same order (ARGV[14]
--      names the command: PUBLISH, or SPUBLISH on the room's shard channel in cluster mode);
--   6. remember the clientId (its message id: a resend answers the current state);
--   7. when the archive feed exists, XADD the same message JSON to it; else trim the room.
-- Nothing is published that was not stored, and nothing is stored twice.
--
-- The archive feed (KEYS[9], redis/archive-feed.ts) exists once any process registered
-- an archive; from then on every instance feeds it, whatever its own settings, and the
-- room stream is no longer trimmed here: the archivers trim it once its messages are
-- committed to PostgreSQL (so nothing unarchived is dropped). A stream trimmed empty
-- stays a key, so the feed keeps existing. Without a feed, rooms are trimmed here to
-- `retention` entries once they exceed it by a slack (a tenth of it, at most 100: about
-- what MAXLEN ~ kept), with their states, since MAXLEN ~ would not say which ids it
-- dropped. Room and feed are written in one script, so within a room the feed's order is
-- the room's order.
--
-- KEYS[1..6] the room's log (keys.ts roomLog)   KEYS[7] clientId key   KEYS[8] rate bucket
-- KEYS[9] archive feed (in cluster mode the room partition's shard: every key in one slot;
-- the rate bucket is then the user's, charged before this script, and KEYS[8] repeats KEYS[1])
-- ARGV[1] roomId  ARGV[2] userId  ARGV[3] username  ARGV[4] text  ARGV[5] clientId
-- ARGV[6] retention  ARGV[7] clientId ttl (s)  ARGV[8] rate per s (0 = off)
-- ARGV[9] burst  ARGV[10] channel  ARGV[11] origin instance id
-- ARGV[12] replyTo message id ('' none)  ARGV[13] mention ids, space separated ('' none)
-- ARGV[14] the publish command: PUBLISH or SPUBLISH
-- Returns {1, message json} stored, {2, message json} duplicate, {3, retry after ms},
-- {4, message id} duplicate no longer retained, {5} reply to no such message.

local log = room_log(1)
local existing = redis.call('GET', KEYS[7])
if existing then
  -- Keys written before message changes hold a copy of the message itself.
  if string.sub(existing, 1, 1) == '{' then return {2, existing} end
  local current = redis.call('HGET', log[2], existing)
  if current then return {2, current} end
  return {4, existing}
end

local rate = tonumber(ARGV[8])
if rate > 0 then
  local wait = take_token(KEYS[8], rate, tonumber(ARGV[9]))
  if wait > 0 then
    return {3, wait}
  end
end

local reply
if ARGV[12] ~= '' then
  local original = redis.call('HGET', log[2], ARGV[12])
  if not original then return {5} end
  original = cjson.decode(original)
  if original.deleted then return {5} end
  reply = reply_snapshot(original)
end

local fields = {'userId', ARGV[2]}
if ARGV[13] ~= '' then
  fields[#fields + 1] = 'mentions'
  fields[#fields + 1] = ARGV[13]
end
if reply then
  fields[#fields + 1] = 'replyTo'
  fields[#fields + 1] = ARGV[12]
end
local id = redis.call('XADD', log[1], '*', unpack(fields))
local archived = redis.call('EXISTS', KEYS[9]) == 1
local ms = tonumber(string.match(id, '^(%d+)'))
local stored = {
  id = id, roomId = ARGV[1], userId = ARGV[2], username = ARGV[3],
  text = ARGV[4], clientId = ARGV[5], createdAt = iso8601(ms)
}
if ARGV[13] ~= '' then
  local mentions = {}
  for mention in string.gmatch(ARGV[13], '%S+') do mentions[#mentions + 1] = mention end
  stored.mentions = mentions
end
stored.replyTo = reply
local message = cjson.encode(stored)
redis.call('HSET', log[2], id, message)
if reply then
  -- The replies an edit or a delete of the original updates: at most 100 per original.
  local replies = redis.call('HGET', log[5], ARGV[12])
  if not replies then
    redis.call('HSET', log[5], ARGV[12], id)
  elseif select(2, string.gsub(replies, ' ', '')) < 99 then
    redis.call('HSET', log[5], ARGV[12], replies .. ' ' .. id)
  end
end
redis.call(ARGV[14], ARGV[10], '{"origin":' .. cjson.encode(ARGV[11]) .. ',"message":' .. message .. '}')
redis.call('SET', KEYS[7], id, 'EX', ARGV[7])
if archived then
  -- Field `m`: a stored message, whole (archive-feed.ts lists the entry kinds).
  redis.call('XADD', KEYS[9], '*', 'm', message)
else
  local retention = tonumber(ARGV[6])
  local excess = redis.call('XLEN', log[1]) - retention
  if excess >= math.max(1, math.min(100, math.floor(retention / 10))) then
    room_trim_oldest(log, excess, '+')
  end
end
return {1, message}
