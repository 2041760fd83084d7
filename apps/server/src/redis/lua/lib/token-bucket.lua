-- Shared by the scripts that rate-limit (prepended by scripts.ts): a token
-- bucket in a hash {tokens, ts}, refilled at `rate` per second up to `burst`
-- (at least 1: a smaller one could never hand out a token),
-- on Redis's clock so every instance agrees. Same arithmetic as
-- src/chat/token-bucket.ts. Returns 0 when a token was taken, else the wait
-- in ms until one is available.
local function take_token(key, rate, burst)
  burst = math.max(1, burst)
  local time = redis.call('TIME')
  local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local bucket = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(bucket[1]) or burst
  local updated = tonumber(bucket[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - updated) * rate / 1000)
  if tokens < 1 then
    return math.ceil((1 - tokens) * 1000 / rate)
  end
  redis.call('HSET', key, 'tokens', tostring(tokens - 1), 'ts', now)
  redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
  return 0
end

local function now_ms()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
