-- Every user with a connection on a live instance, flat {id, username, ...}, each once.
-- KEYS[1] instances zset  ARGV[1] key prefix of instance hashes
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now_ms(), '+inf')
local seen = {}
local online = {}
for _, instance in ipairs(live) do
  local users = redis.call('HGETALL', ARGV[1] .. instance)
  for i = 1, #users, 2 do
    if not seen[users[i]] then
      seen[users[i]] = true
      table.insert(online, users[i])
      table.insert(online, users[i + 1])
    end
  end
end
return online
