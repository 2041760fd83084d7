-- Cluster mode: the instances whose heartbeat has not run out, on Redis's clock.
-- KEYS[1] instances zset
return redis.call('ZRANGEBYSCORE', KEYS[1], now_ms(), '+inf')
