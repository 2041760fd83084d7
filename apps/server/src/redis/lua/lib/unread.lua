
-- The unread count of one room for one user (lua/unread-counts.lua, and in cluster mode
-- lua/unread-counts-of.lua): the messages after `marker` (nil: from the room's start) not
-- sent by `user`, at most `cap` of them, looking at no more than the newest 2 × cap entries
-- after the marker (bounded work per room, whatever its size); and among them those that
-- mention the user as they are now (protocol v1.1): the mention ids the stream entry got at
-- send, unless an edit re-computed them (`overrides`, looked up only in rooms where some
-- message was edited). Returns unread, mentions.
local function unread_in_room(stream, overrides, marker, user, cap)
  local needle = ' ' .. user .. ' '
  local scan = cap * 2
  local count = 0
  local mentions = 0
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
  return math.min(count, cap), math.min(mentions, cap)
end
