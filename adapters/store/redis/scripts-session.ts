/**
 * Lua scripts over one session's slot (`{s:<sid>}`): create, the commutative patch of
 * `applySessionPatch` (core/service/session.ts), telemetry seq ranges (core/service/seqs.ts)
 * and actions. Each runs atomically in Redis; every key it writes gets a relative TTL.
 *
 * @module
 */

/**
 * Replaces a hash: `DEL` every key, `HSET KEYS[1]` the field/value pairs, `PEXPIRE` it.
 * ARGV: ttlMs, field, value, … A non-positive TTL only deletes.
 */
export const REPLACE_HASH = `
for i = 1, #KEYS do redis.call('DEL', KEYS[i]) end
local ttl = tonumber(ARGV[1])
if ttl <= 0 or #ARGV < 3 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ttl)
return 1`;

/**
 * The session patch. KEYS: session. ARGV: now (s), retention (s), store clock (ms),
 * seen, dropped, interactions, automation ('1'), platform, user mode ('' none, 's' set id,
 * 'n' set null), user id, user seq. Empty strings are absent members. Answers the patched
 * hash (HGETALL) or nil.
 */
export const PATCH_SESSION = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local f = redis.call('HMGET', KEYS[1], 'ae', 'il', 'ls', 'dr', 'p', 'us')
local ae, il, ls, dr, us = tonumber(f[1]), tonumber(f[2]), tonumber(f[3]), tonumber(f[4]), tonumber(f[6])
local now, retention, clock = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
if ARGV[4] ~= '' then
  local seen = tonumber(ARGV[4])
  if now < math.min(ae, ls + il) and seen > ls then
    ls = math.min(seen, ae)
    redis.call('HSET', KEYS[1], 'ls', ls)
  end
end
if ARGV[5] ~= '' and tonumber(ARGV[5]) > dr then redis.call('HSET', KEYS[1], 'dr', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HINCRBY', KEYS[1], 'n', ARGV[6]) end
if ARGV[7] == '1' then redis.call('HSET', KEYS[1], 'au', '1') end
if ARGV[8] ~= '' and not f[5] then redis.call('HSET', KEYS[1], 'p', ARGV[8]) end
if ARGV[9] ~= '' then
  local seq = tonumber(ARGV[11])
  if seq == 0 or seq > us then
    if ARGV[9] == 's' then redis.call('HSET', KEYS[1], 'u', ARGV[10])
    else redis.call('HDEL', KEYS[1], 'u') end
    if seq > 0 then redis.call('HSET', KEYS[1], 'us', ARGV[11]) end
  end
end
local out = redis.call('HGETALL', KEYS[1])
local ttl = (math.min(ae, ls + il) + retention) * 1000 - clock
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) else redis.call('DEL', KEYS[1]) end
return out`;

/**
 * Adds telemetry seqs to the session's ranges (the rules of core/service/seqs.ts: sorted
 * disjoint inclusive ranges, the two oldest merged beyond the cap), kept in the session hash as
 * field `q` (`from,to,…`: one range while events arrive in order). KEYS: session, then the
 * client's event stream (optional). ARGV: cap (ranges), stream MAXLEN, stream TTL (ms; renewed
 * on each append), session id, then
 * seq and event JSON pairs. Each fresh event is appended to the stream (`XADD … MAXLEN ~`) in
 * this same unit: exactly once. Answers the fresh seqs ascending, then the highest stored; nil
 * when the session is unknown (nothing stored).
 */
export const APPEND_EVENTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local r = {}
local raw = redis.call('HGET', KEYS[1], 'q')
if raw then for x in string.gmatch(raw, '[^,]+') do r[#r + 1] = tonumber(x) end end
local seqs, json = {}, {}
for i = 5, #ARGV, 2 do
  local s = tonumber(ARGV[i])
  seqs[#seqs + 1] = s
  if json[s] == nil then json[s] = ARGV[i + 1] end
end
table.sort(seqs)
local function has(s)
  local lo, hi = 1, #r / 2
  while lo <= hi do
    local mid = math.floor((lo + hi) / 2)
    if s < r[mid * 2 - 1] then hi = mid - 1 elseif s > r[mid * 2] then lo = mid + 1 else return true end
  end
  return false
end
local fresh, last = {}, nil
for _, s in ipairs(seqs) do
  if s ~= last and not has(s) then
    local i = 1
    while i <= #r and r[i] <= s do i = i + 2 end
    local prev = i > 1 and r[i - 1] == s - 1
    local nxt = i <= #r and r[i] == s + 1
    if prev and nxt then table.remove(r, i - 1); table.remove(r, i - 1)
    elseif prev then r[i - 1] = s
    elseif nxt then r[i] = s
    else table.insert(r, i, s); table.insert(r, i, s) end
    fresh[#fresh + 1] = s
    if #KEYS == 2 then
      redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '*', 'sid', ARGV[4], 'seq', string.format('%.0f', s), 'event', json[s])
    end
  end
  last = s
end
if #KEYS == 2 and #fresh > 0 then redis.call('PEXPIRE', KEYS[2], ARGV[3]) end
local cap = tonumber(ARGV[1]) * 2
while #r > cap do table.remove(r, 2); table.remove(r, 2) end
local parts = {}
for i = 1, #r do parts[i] = string.format('%.0f', r[i]) end
redis.call('HSET', KEYS[1], 'q', table.concat(parts, ','))
fresh[#fresh + 1] = r[#r] or 0
return fresh`;

/**
 * Stores an action once. KEYS: action, then the SDK seq index (optional). ARGV: ttlMs, action
 * id, record JSON, force ('1': replace a dangling index). Answers nil when stored, else the id
 * already recorded for the seq.
 */
export const PUT_ACTION = `
local ttl = tonumber(ARGV[1])
if #KEYS == 2 then
  local existing
  if ARGV[4] == '1' then redis.call('SET', KEYS[2], ARGV[2], 'PX', ttl)
  else existing = redis.call('SET', KEYS[2], ARGV[2], 'NX', 'GET', 'PX', ttl) end
  if existing then return existing end
end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'r', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ttl)
return false`;

/** Sets an action's outcome (KEEPTTL). KEYS: action. ARGV: outcome JSON. Answers the record JSON or nil. */
export const SET_ACTION_OUTCOME = `
local r = redis.call('HGET', KEYS[1], 'r')
if not r then return false end
redis.call('HSET', KEYS[1], 'o', ARGV[1])
return r`;
