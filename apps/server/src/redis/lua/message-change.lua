-- Stores one change of a message (protocol v1.1: edit, delete, reaction) and publishes it,
-- atomically, in the room's order (docs/ARCHITECTURE.md "Message changes"):
--   1. the message's state must still be what the instance computed the change from
--      (else {2}: a concurrent change won, the instance computes again from the new state);
--   2. a change id in the room stream's id space (lib/room-log.lua), recorded in the
--      change index (the message's previous entry there removed: one entry per message);
--   3. the new state overwrites the old (a tombstone for a delete: its text is gone);
--      an edit's re-computed mention ids are kept for unread mention counts;
--   4. PUBLISH on MESSAGES, as `{"origin","kind":"updated","changeId","message"}`;
--   5. with an archive feed, a `u` entry: the whole new state and its version (the change id);
--   6. when what replies show of it changed (an edit, a delete), the retained replies to it
--      get the new snapshot (and `u` feed entries of their own, the same version).
--
-- KEYS[1..6] the room's log (keys.ts roomLog)   KEYS[7] archive feed
-- KEYS[8] the message's clientId key (a copy written before message changes is replaced
--         by the id, so a deleted text stays nowhere)
-- ARGV[1] message id  ARGV[2] its state as the change was computed from  ARGV[3] new state
-- ARGV[4] channel  ARGV[5] origin instance id  ARGV[6] reply snapshot JSON ('' unchanged)
-- ARGV[7] mention ids re-computed, space separated ('-' unchanged)  ARGV[8] '1' a delete
-- ARGV[9] the publish command: PUBLISH, or SPUBLISH on the room's shard channel (cluster mode)
-- Returns {1, change id} stored, {0} no such message, {2} the state moved on.

local log = room_log(1)
local id = ARGV[1]
local current = redis.call('HGET', log[2], id)
if not current then return {0} end
if current ~= ARGV[2] then return {2} end

local change = room_next_change_id(log)
redis.call('HSET', log[2], id, ARGV[3])
local previous = redis.call('HGET', log[4], id)
if previous then redis.call('XDEL', log[3], previous) end
redis.call('XADD', log[3], change, 'id', id)
redis.call('HSET', log[4], id, change)
if ARGV[7] ~= '-' then redis.call('HSET', log[6], id, ARGV[7]) end

local copy = redis.call('GET', KEYS[8])
if copy and string.sub(copy, 1, 1) == '{' then redis.call('SET', KEYS[8], id, 'KEEPTTL') end

local version = cjson.encode(change)
local origin = cjson.encode(ARGV[5])
redis.call(ARGV[9], ARGV[4],
  '{"origin":' .. origin .. ',"kind":"updated","changeId":' .. version .. ',"message":' .. ARGV[3] .. '}')
local archived = redis.call('EXISTS', KEYS[7]) == 1
if archived then
  -- Field `u`: a message's changed state, whole, with its version (archive-feed.ts).
  redis.call('XADD', KEYS[7], '*', 'u', '{"version":' .. version .. ',"message":' .. ARGV[3] .. '}')
end

if ARGV[6] ~= '' then
  local replies = redis.call('HGET', log[5], id)
  if replies then
    local snapshot = cjson.decode(ARGV[6])
    for reply in string.gmatch(replies, '%S+') do
      local state = redis.call('HGET', log[2], reply)
      local message = state and cjson.decode(state)
      -- A deleted reply is a tombstone: it shows nothing, its snapshot included.
      if message and not message.deleted then
        message.replyTo = snapshot
        state = cjson.encode(message)
        redis.call('HSET', log[2], reply, state)
        if archived then
          redis.call('XADD', KEYS[7], '*', 'u', '{"version":' .. version .. ',"message":' .. state .. '}')
        end
      end
    end
  end
  if ARGV[8] == '1' then redis.call('HDEL', log[5], id) end
end
return {1, change}
