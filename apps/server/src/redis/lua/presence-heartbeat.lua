-- Keeps this instance alive for ARGV[2] ms more, and reaps instances whose
-- heartbeat ran out (killed, frozen, partitioned): their users who are not
-- online on a live instance are returned, flat {id, username, ...}, so the
-- caller announces them offline. Atomic: each dead instance is reaped once.
-- KEYS[1] instances zset
-- ARGV[1] instance id  ARGV[2] ttl ms  ARGV[3] key prefix of instance hashes
local now = now_ms()
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
if #dead == 0 then
  return {}
end
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
local offline = {}
for _, instance in ipairs(dead) do
  local users = redis.call('HGETALL', ARGV[3] .. instance)
  for i = 1, #users, 2 do
    local elsewhere = false
    for _, other in ipairs(live) do
      if redis.call('HEXISTS', ARGV[3] .. other, users[i]) == 1 then
        elsewhere = true
        break
      end
    end
    if not elsewhere then
      table.insert(offline, users[i])
      table.insert(offline, users[i + 1])
    end
  end
  redis.call('DEL', ARGV[3] .. instance)
  redis.call('ZREM', KEYS[1], instance)
end
return offline
