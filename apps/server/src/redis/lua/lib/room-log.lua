-- Shared by the scripts that touch a room's messages (prepended by scripts.ts): the room's
-- keys come as one block (keys.ts roomLog), in this order, and these helpers keep them
-- consistent with each other (docs/ARCHITECTURE.md "Message changes").
--   log[1] stream (the order)   log[2] state (id → Message JSON)   log[3] change index
--   log[4] latest change id per message ("" → the room's newest)   log[5] replies to follow
--   log[6] mention ids re-computed by edits
local function room_log(first)
  return {KEYS[first], KEYS[first + 1], KEYS[first + 2], KEYS[first + 3], KEYS[first + 4],
    KEYS[first + 5]}
end

local function id_parts(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

-- -1, 0 or 1 as `a` is before, the same as or after `b` (`<ms>-<seq>` ids).
local function id_compare(a, b)
  local ams, aseq = id_parts(a)
  local bms, bseq = id_parts(b)
  if ams ~= bms then return ams < bms and -1 or 1 end
  if aseq ~= bseq then return aseq < bseq and -1 or 1 end
  return 0
end

-- The room's newest point of order: its newest message or its newest change, whichever is later.
local function room_as_of(log)
  local top = redis.call('XREVRANGE', log[1], '+', '-', 'COUNT', 1)[1]
  local newest = top and top[1] or '0-0'
  local change = redis.call('HGET', log[4], '')
  if change and id_compare(change, newest) > 0 then newest = change end
  return newest
end

-- A new change id, in the room stream's own id space: after every message and change so far,
-- and (XSETID) before every message appended later, so ids order messages and changes alike.
local function room_next_change_id(log)
  local id = stream_id_successor(room_as_of(log))
  redis.call('XSETID', log[1], id)
  redis.call('HSET', log[4], '', id)
  return id
end

-- Forgets what the room keeps besides the stream for these message ids (trimmed or gone).
local function room_forget(log, ids)
  if #ids == 0 then return end
  local changes = redis.call('HMGET', log[4], unpack(ids))
  local stale = {}
  for _, change in ipairs(changes) do
    if change then stale[#stale + 1] = change end
  end
  if #stale > 0 then redis.call('XDEL', log[3], unpack(stale)) end
  redis.call('HDEL', log[2], unpack(ids))
  redis.call('HDEL', log[4], unpack(ids))
  redis.call('HDEL', log[5], unpack(ids))
  redis.call('HDEL', log[6], unpack(ids))
end

-- Removes the room's oldest `count` messages with id <= `upto` ('+': any), with their state,
-- change index entries, reply lists and mention overrides. Returns how many it removed.
local function room_trim_oldest(log, count, upto)
  if count <= 0 then return 0 end
  local oldest = redis.call('XRANGE', log[1], '-', upto, 'COUNT', count)
  if #oldest == 0 then return 0 end
  local ids = {}
  for i, entry in ipairs(oldest) do ids[i] = entry[1] end
  room_forget(log, ids)
  redis.call('XTRIM', log[1], 'MINID', stream_id_successor(ids[#ids]))
  return #ids
end

-- The first `max` characters (code points) of a UTF-8 text, as JavaScript's cut does.
local function cut_code_points(text, max)
  local count = 0
  local stop = 0
  for start, char in string.gmatch(text, '()([%z\1-\127\192-\255][\128-\191]*)') do
    if count == max then return string.sub(text, 1, stop) end
    count = count + 1
    stop = start + #char - 1
  end
  return text
end

-- What a reply shows of `original` (a decoded Message) as it is now: chat/message-changes.ts.
local function reply_snapshot(original)
  return {id = original.id, userId = original.userId, username = original.username,
    text = cut_code_points(original.text, 200)}
end
