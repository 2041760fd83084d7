-- Cluster mode: keeps this instance alive for ARGV[2] ms more (on Redis's clock, so
-- instances' clocks need not agree) and, when ARGV[3] is '1', returns the instances whose
-- heartbeat ran out (killed, frozen, partitioned), for the caller to reap one by one, each
-- in its own slot. Only this sorted set is touched: once per PRESENCE_HEARTBEAT_MS per
-- instance, never per message or per connection.
-- KEYS[1] instances zset
-- ARGV[1] instance id  ARGV[2] ttl ms  ARGV[3] '1' to list dead instances, '0' not
local now = now_ms()
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
if ARGV[3] ~= '1' then
  return {}
end
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
