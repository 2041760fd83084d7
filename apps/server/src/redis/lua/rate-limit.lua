-- One cluster-wide rate limit check (login attempts, room creation, typing...).
-- KEYS[1] bucket  ARGV[1] rate per s  ARGV[2] burst
-- Returns 0 when allowed, else the wait in ms.
return take_token(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
