-- Counts a user's unread messages in several rooms inside Redis, so that no
-- message body leaves it: per room, the messages after the user's read
-- marker not sent by the user, counting at most ARGV[2] (the cap) and looking
-- at no more than the newest 2 × cap entries after the marker (bounded work
-- per room, whatever its size). A room without a marker counts from its
-- start, except public rooms (never opened), which count 0.
--
-- KEYS[1] the user's read hash   KEYS[1 + i] room i's stream
-- ARGV[1] user id   ARGV[2] cap   ARGV[1 + 2i] room i's id   ARGV[2 + 2i] '1' if public
-- Returns one count per room, in the order given.
local user = ARGV[1]
local cap = tonumber(ARGV[2])
local scan = cap * 2
local counts = {}
for i = 2, #KEYS do
  local roomId = ARGV[2 * i - 1]
  local marker = redis.call('HGET', KEYS[1], roomId)
  local count = 0
  if marker or ARGV[2 * i] ~= '1' then
    local floor = marker and ('(' .. marker) or '-'
    local top = '+'
    local seen = 0
    -- Newest first, in batches of `cap`, until the cap is reached or the scan bound.
    while count < cap and seen < scan do
      local want = math.min(cap, scan - seen)
      local batch = redis.call('XREVRANGE', KEYS[i], top, floor, 'COUNT', want)
      for _, entry in ipairs(batch) do
        -- append.lua writes userId as the entry's first field.
        if entry[2][2] ~= user then count = count + 1 end
      end
      seen = seen + #batch
      if #batch < want then break end
      top = '(' .. batch[#batch][1]
    end
  end
  counts[#counts + 1] = math.min(count, cap)
end
return counts
