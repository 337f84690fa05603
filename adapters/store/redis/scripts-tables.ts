/**
 * Lua scripts of the small tables: devices and their users (one device's slot), sliding-window
 * and distinct counters and fixed rate windows (one key each), and a client's rules (its rules
 * hash and priority index share the client's tag). Times come in as arguments, so the scripts
 * follow the caller's clock; TTLs are relative to the store's clock.
 *
 * @module
 */

/**
 * Looks a requested device up. KEYS: device, users. ARGV: jkt, ttlMs. Answers 0 unknown,
 * 1 known with this key (its expiry then only moves later, `PEXPIRE … GT`), 2 known with
 * another key (left exactly as it was).
 */
export const FIND_DEVICE = `
local k = redis.call('HGET', KEYS[1], 'k')
if not k then return 0 end
if k ~= ARGV[1] then return 2 end
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'GT')
redis.call('PEXPIRE', KEYS[2], ARGV[2], 'GT')
return 1`;

/**
 * Associates a user with a device (most recent kept, at most `cap`). KEYS: device, users.
 * ARGV: user, ttlMs, cap. Answers -1 for an unknown device, else 1 if the user was known.
 */
export const LINK_USER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local known = redis.call('ZSCORE', KEYS[2], ARGV[1]) and 1 or 0
redis.call('ZADD', KEYS[2], redis.call('HINCRBY', KEYS[1], 'n', 1), ARGV[1])
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1) end
redis.call('PEXPIRE', KEYS[1], ARGV[2], 'GT')
redis.call('PEXPIRE', KEYS[2], redis.call('PTTL', KEYS[1]))
return known`;

/**
 * A sliding-window hit. KEYS: counter. ARGV: nowMs, windowMs, ttlMs, unique member, cap.
 * Answers the hits in (now − window, now].
 */
export const HIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
local n = redis.call('ZCARD', KEYS[1])
if n > tonumber(ARGV[5]) then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0); n = n - 1 end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return n`;

/**
 * A distinct-members window. KEYS: counter. ARGV: nowMs, windowMs, ttlMs, cap, member
 * (optional). Answers the members seen in the window.
 */
export const ADD_DISTINCT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if ARGV[5] then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[5])
  local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
  if over > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, over - 1) end
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return redis.call('ZCARD', KEYS[1])`;

/**
 * A fixed window. KEYS: window. ARGV: nowMs, windowMs, store clock (ms). Answers
 * {count, resetAtMs}.
 */
export const INCR_WINDOW = `
local now = tonumber(ARGV[1])
local f = redis.call('HMGET', KEYS[1], 'c', 'r')
local c, r = tonumber(f[1]), tonumber(f[2])
if not r or r <= now then c = 0; r = now + tonumber(ARGV[2]) end
c = c + 1
redis.call('HSET', KEYS[1], 'c', c, 'r', string.format('%.0f', r))
redis.call('PEXPIRE', KEYS[1], math.max(1, r - tonumber(ARGV[3])))
return {c, r}`;

/**
 * Creates or replaces a rule. KEYS: rules, priorities. ARGV: id, priority, JSON, mode
 * ('create' | 'update'), max rules, ttlMs. Answers 'ok', 'not_found', 'limit' or
 * 'priority_taken'.
 */
export const PUT_RULE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[4] == 'update' and not old then return 'not_found' end
if ARGV[4] == 'create' and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return 'limit' end
local holder = redis.call('HGET', KEYS[2], ARGV[2])
if holder and holder ~= ARGV[1] then return 'priority_taken' end
if old then redis.call('HDEL', KEYS[2], string.format('%.0f', cjson.decode(old).priority)) end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 'ok'`;

/** Deletes a rule. KEYS: rules, priorities. ARGV: id. Answers 1 when it existed. */
export const DELETE_RULE = `
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], string.format('%.0f', cjson.decode(old).priority))
return 1`;

/** A client's rules, renewing their TTL. KEYS: rules, priorities. ARGV: ttlMs. */
export const LIST_RULES = `
redis.call('PEXPIRE', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return redis.call('HVALS', KEYS[1])`;

/**
 * Compare-and-set of the shared signing keyring. KEYS: keyring. ARGV: expected current kid
 * ('' : none stored), state JSON, its current kid, ttlMs. Answers the stored state JSON.
 */
export const SWAP_KEYRING = `
local cur = redis.call('HGET', KEYS[1], 'k')
if (ARGV[1] == '' and not cur) or cur == ARGV[1] then
  redis.call('HSET', KEYS[1], 's', ARGV[2], 'k', ARGV[3])
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('HGET', KEYS[1], 's')`;
