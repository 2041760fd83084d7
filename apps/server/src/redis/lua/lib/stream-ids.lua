
-- The smallest stream id after `id` (`<ms>-<seq>`), for XTRIM MINID to drop `id` itself.
-- A sequence too long for Lua's doubles returns `id` itself: one entry more is kept,
-- never one less.
local function stream_id_successor(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if not ms or #seq > 14 then return id end
  return ms .. '-' .. string.format('%d', tonumber(seq) + 1)
end
