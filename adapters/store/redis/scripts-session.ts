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
 * The session patch as a Lua function `patch_session(key, A)`, `A` the 11 patch arguments of
 * {@link PATCH_SESSION}; shared with {@link APPEND_AND_PATCH}. Answers the patched hash.
 */
const PATCH_FN = `
local function patch_session(key, A)
  local f = redis.call('HMGET', key, 'ae', 'il', 'ls', 'dr', 'p', 'us')
  local ae, il, ls, dr, us = tonumber(f[1]), tonumber(f[2]), tonumber(f[3]), tonumber(f[4]), tonumber(f[6])
  local now, retention, clock = tonumber(A[1]), tonumber(A[2]), tonumber(A[3])
  if A[4] ~= '' then
    local seen = tonumber(A[4])
    if now < math.min(ae, ls + il) and seen > ls then
      ls = math.min(seen, ae)
      redis.call('HSET', key, 'ls', ls)
    end
  end
  if A[5] ~= '' and tonumber(A[5]) > dr then redis.call('HSET', key, 'dr', A[5]) end
  if A[6] ~= '' then redis.call('HINCRBY', key, 'n', A[6]) end
  if A[7] == '1' then redis.call('HSET', key, 'au', '1') end
  if A[8] ~= '' and not f[5] then redis.call('HSET', key, 'p', A[8]) end
  if A[9] ~= '' then
    local seq = tonumber(A[11])
    if seq == 0 or seq > us then
      if A[9] == 's' then redis.call('HSET', key, 'u', A[10])
      else redis.call('HDEL', key, 'u') end
      if seq > 0 then redis.call('HSET', key, 'us', A[11]) end
    end
  end
  local out = redis.call('HGETALL', key)
  local ttl = (math.min(ae, ls + il) + retention) * 1000 - clock
  if ttl > 0 then redis.call('PEXPIRE', key, ttl) else redis.call('DEL', key) end
  return out
end
`;

/**
 * The session patch. KEYS: session. ARGV: now (s), retention (s), store clock (ms),
 * seen, dropped, interactions, automation ('1'), platform, user mode ('' none, 's' set id,
 * 'n' set null), user id, user seq. Empty strings are absent members. Answers the patched
 * hash (HGETALL) or nil.
 */
export const PATCH_SESSION = `${PATCH_FN}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return patch_session(KEYS[1], ARGV)`;

/**
 * The seq-range update of {@link APPEND_EVENTS} as a Lua function `append_events(first,
 * stride)`: the seqs are ARGV from `first`, each followed by its event JSON (stride 2) and its
 * session change (stride 3). Answers the fresh seqs ascending, the highest stored, the changes.
 */
const APPEND_FN = `
local function append_events(first, stride)
local r = {}
local raw = redis.call('HGET', KEYS[1], 'q')
if raw then for x in string.gmatch(raw, '[^,]+') do r[#r + 1] = tonumber(x) end end
local seqs, json, eff = {}, {}, {}
for i = first, #ARGV, stride do
  local s = tonumber(ARGV[i])
  seqs[#seqs + 1] = s
  if json[s] == nil then
    json[s] = ARGV[i + 1]
    if stride == 3 then eff[s] = ARGV[i + 2] end
  end
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
return fresh, r[#r] or 0, eff
end
`;

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
export const APPEND_EVENTS = `${APPEND_FN}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local fresh, high = append_events(5, 2)
fresh[#fresh + 1] = high
return fresh`;

/**
 * {@link APPEND_EVENTS} and the session changes of the fresh events in one unit (so a reply
 * lost after it ran loses nothing, and a resent batch changes nothing twice). KEYS as there.
 * ARGV: cap, stream MAXLEN, stream TTL, session id, then the patch's now (s), retention (s),
 * store clock (ms), seen and dropped (as {@link PATCH_SESSION}), then triples: seq, event JSON
 * (or ''), and what the event changes when fresh: '' nothing, 'i' an interaction,
 * 'd' + automation ('1'/'0') + platform, 's' + user id, 'n' (user cleared). Answers
 * `{fresh seqs ascending, highest stored, patched hash}`; nil when the session is unknown.
 */
export const APPEND_AND_PATCH = `${APPEND_FN}${PATCH_FN}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local fresh, high, eff = append_events(10, 3)
local n, au, platform, umode, uid, useq = 0, '', '', '', '', 0
for _, s in ipairs(fresh) do
  local e = eff[s] or ''
  local k = string.sub(e, 1, 1)
  if k == 'i' then n = n + 1
  elseif k == 'd' then
    if string.sub(e, 2, 2) == '1' then au = '1' end
    if platform == '' then platform = string.sub(e, 3) end
  elseif k == 's' or k == 'n' then umode, uid, useq = k, string.sub(e, 2), s end
end
local out = patch_session(KEYS[1], { ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9],
  n > 0 and tostring(n) or '', au, platform, umode, uid, string.format('%.0f', useq) })
return { fresh, high, out }`;

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
