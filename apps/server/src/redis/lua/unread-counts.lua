-- Counts a user's unread messages in several rooms inside Redis, so that no
-- message body leaves it: per room, the messages after the user's read
-- marker not sent by the user, counting at most ARGV[2] (the cap) and looking
-- at no more than the newest 2 × cap entries after the marker (bounded work
-- per room, whatever its size). A room without a marker counts from its
-- start, except public rooms (never opened), which count 0. Among the counted
-- ones, those that mention the user as they are now (protocol v1.1): the mention
-- ids the stream entry got at send, unless an edit re-computed them (the room's
-- mention overrides, looked up only in rooms where some message was edited).
--
-- KEYS[1] the user's read hash   KEYS[2i] room i's stream   KEYS[2i + 1] its mention overrides
-- ARGV[1] user id   ARGV[2] cap   ARGV[1 + 2i] room i's id   ARGV[2 + 2i] '1' if public
-- Returns two counts per room (unread, mentions), in the order given.
local user = ARGV[1]
local needle = ' ' .. user .. ' '
local cap = tonumber(ARGV[2])
local scan = cap * 2
local counts = {}
for i = 1, (#KEYS - 1) / 2 do
  local stream = KEYS[2 * i]
  local overrides = KEYS[2 * i + 1]
  local roomId = ARGV[2 * i + 1]
  local marker = redis.call('HGET', KEYS[1], roomId)
  local count = 0
  local mentions = 0
  if marker or ARGV[2 * i + 2] ~= '1' then
    local edited = redis.call('EXISTS', overrides) == 1
    local floor = marker and ('(' .. marker) or '-'
    local top = '+'
    local seen = 0
    -- Newest first, in batches of `cap`, until the cap is reached or the scan bound.
    while count < cap and seen < scan do
      local want = math.min(cap, scan - seen)
      local batch = redis.call('XREVRANGE', stream, top, floor, 'COUNT', want)
      for _, entry in ipairs(batch) do
        local fields = entry[2]
        -- append.lua writes userId as the entry's first field.
        if fields[2] ~= user then
          count = count + 1
          local ids = edited and redis.call('HGET', overrides, entry[1]) or nil
          if not ids then
            for f = 3, #fields - 1, 2 do
              if fields[f] == 'mentions' then ids = fields[f + 1] end
            end
          end
          if ids and string.find(' ' .. ids .. ' ', needle, 1, true) then mentions = mentions + 1 end
        end
      end
      seen = seen + #batch
      if #batch < want then break end
      top = '(' .. batch[#batch][1]
    end
  end
  counts[#counts + 1] = math.min(count, cap)
  counts[#counts + 1] = math.min(mentions, cap)
end
return counts
