-- Moves a user's read marker in a room forward only (a stale device cannot
-- move it back). Answers 1 when it moved.
-- KEYS[1] the user's read hash  ARGV[1] room id  ARGV[2] message id
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local cms, cseq = parse(current)
  local nms, nseq = parse(ARGV[2])
  if nms < cms or (nms == cms and nseq <= cseq) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
