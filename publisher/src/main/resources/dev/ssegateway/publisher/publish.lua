-- sse-gateway: publish one event to one topic (Redis 7 or later).
--
-- Atomically stores the event in the topic's history (a Redis Stream, which the gateway replays
-- to clients that reconnect with Last-Event-ID) and broadcasts it to every gateway node over
-- pub/sub. The Java publisher runs this script with EVALSHA; publish from any other language by
-- running the same text with EVAL (or SCRIPT LOAD + EVALSHA):
--
--   EVAL <script> 1 <historyKey> <channel> <event> <data> <retry> <close> <maxLen> <maxAgeMs> <publishCommand>
--
--   KEYS[1] historyKey      <prefix>{<topic>}:h, e.g. sse:{orders}:h
--   ARGV[1] channel         <prefix>{<topic>},   e.g. sse:{orders}   (the history key minus ":h")
--   ARGV[2] event           SSE event name; '' for the default "message" event. No CR, LF or NUL,
--                           and names starting with "sse-" are reserved for the gateway.
--   ARGV[3] data            the event's data: any text, newlines included
--   ARGV[4] retry           reconnection delay hint for clients, in ms: digits, 0..86400000; '' for none
--   ARGV[5] close           '1' to end the topic's streams after this event, else '0'
--   ARGV[6] maxLen          history entries kept per topic, at least 1; '' for the deployment's policy
--   ARGV[7] maxAgeMs        history entries older than this are dropped; '0' keeps by count only and
--                           the history never expires; '' for the deployment's policy
--   ARGV[8] publishCommand  'PUBLISH' (standalone Redis, Sentinel) or 'SPUBLISH' (Redis Cluster)
--
-- The deployment's history policy: pass '' for maxLen and maxAgeMs, and the script reads them from
-- the hash <prefix>history-policy (fields "size" and "ttlMs", e.g. sse:history-policy), which every
-- gateway node writes from its SSE_HISTORY_SIZE and SSE_HISTORY_TTL_MS at start and after each
-- reconnect. So every publisher trims a topic the same way. When no node has written it yet, the
-- defaults apply: 1000 entries, 3600000 ms. In Redis Cluster the policy key usually lives on another
-- shard than the topic, where a script cannot read it: the script then answers "ERR policy
-- unreachable" and changes nothing. There, read the policy yourself (HMGET <prefix>history-policy
-- size ttlMs; the same defaults when a field is missing) and pass the values.
--
-- Returns the event's id: the stream entry id "<ms>-<seq>", increasing per topic.
-- Invalid arguments give an error reply "ERR invalid <what>: <why>" and change nothing.
--
-- Topic names have 1 to 128 characters from A-Z a-z 0-9 . _ - : / @ = + ~ (the gateway checks
-- this; the script cannot see where the prefix ends). The braces are a Redis Cluster hash tag:
-- the key and the channel hash to the same slot, so this script may touch both.
--
-- What subscribers receive on the channel (the "structured payload"):
--
--   "\x1E" .. id .. "\n" .. event .. "\n" .. retry .. "\n" .. close .. "\n" .. data
--
-- A message on the channel that does not start with the byte 0x1E is "raw": someone ran a plain
-- PUBLISH; the gateway delivers it as data only, without id or history.

if #KEYS ~= 1 or #ARGV ~= 8 then
  return redis.error_reply('ERR invalid arguments: expected 1 key and 8 arguments, see the script header')
end

local key = KEYS[1]
local channel, event, data, retry, close = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local maxLen, maxAgeMs, publishCommand = ARGV[6], ARGV[7], ARGV[8]

local function invalid(what, why)
  return redis.error_reply('ERR invalid ' .. what .. ': ' .. why)
end

-- Plain decimal digits only: tonumber() alone would also take ' 5', '0x10' and '1e3'.
-- At most 15 digits, so the value is exact in Lua's double-precision numbers.
local function isCount(text)
  return string.match(text, '^%d+$') ~= nil and #text <= 15
end

-- Validate everything before writing anything.
if key ~= channel .. ':h' then
  return invalid('channel', 'the history key must be the channel followed by ":h"')
end
if string.find(event, '[\r\n%z]') then  -- %z is NUL in Lua 5.1 patterns
  return invalid('event', 'CR, LF and NUL are not allowed')
end
if string.sub(event, 1, 4) == 'sse-' then
  return invalid('event', 'names starting with "sse-" are reserved')
end
if retry ~= '' and not (isCount(retry) and tonumber(retry) <= 86400000) then
  return invalid('retry', "must be '' or 0..86400000")
end
if close ~= '0' and close ~= '1' then
  return invalid('close', "must be '0' or '1'")
end
-- The deployment's policy, for '' arguments (see the header). Defaults: the gateway's.
if maxLen == '' or maxAgeMs == '' then
  local prefix = string.match(channel, '^([^{]*){')
  if not prefix then
    return invalid('channel', 'expected <prefix>{<topic>}')
  end
  local policy = redis.pcall('HMGET', prefix .. 'history-policy', 'size', 'ttlMs')
  if policy.err then
    return redis.error_reply('ERR policy unreachable: ' .. policy.err
      .. ' (in Redis Cluster pass maxLen and maxAgeMs, read with HMGET ' .. prefix .. 'history-policy size ttlMs)')
  end
  -- A missing or malformed field takes its default, as in the Java library (HistoryPolicy).
  local size, ttl = policy[1], policy[2]
  if maxLen == '' then
    maxLen = (size and isCount(size) and tonumber(size) >= 1) and size or '1000'
  end
  if maxAgeMs == '' then
    maxAgeMs = (ttl and isCount(ttl)) and ttl or '3600000'
  end
end

if not isCount(maxLen) or tonumber(maxLen) < 1 then
  return invalid('maxLen', 'must be a whole number of at least 1')
end
if not isCount(maxAgeMs) then
  return invalid('maxAgeMs', 'must be a whole number of milliseconds, 0 for no age limit')
end
if publishCommand ~= 'PUBLISH' and publishCommand ~= 'SPUBLISH' then
  return invalid('publishCommand', "must be 'PUBLISH' or 'SPUBLISH'")
end

-- Redis 7 records only XDEL in the stream's max-deleted-entry-id, not trimming. This script
-- records the newest entry each trim removes there (with XSETID below), so that a reader can tell
-- an id that history issued and then trimmed from one it never issued (a lost history).
-- Trimming removes the oldest entries, so this only ever moves forward (nothing else deletes).
local trimmedTop = nil
local excess = redis.call('XLEN', key) - tonumber(maxLen) + 1
if excess > 0 then
  local removed = redis.call('XRANGE', key, '-', '+', 'COUNT', excess)
  if removed[#removed] then trimmedTop = removed[#removed][1] end
end

-- Store. '*' lets Redis assign the id; MAXLEN '=' trims exactly, so history never exceeds maxLen.
local id = redis.call('XADD', key, 'MAXLEN', '=', maxLen, '*',
  'e', event, 'd', data, 'r', retry, 'c', close)

-- Trim by age. Stream ids start with a millisecond time, so MINID <ms> drops older entries.
-- Redis 7 replicates this script's effects, not the script, so reading the clock is safe.
-- The bound never passes the new entry's own time: an event just published is always kept,
-- even when the stream's ids run ahead of the clock (after a clock step back).
local ageMs = tonumber(maxAgeMs)
if ageMs > 0 then
  local time = redis.call('TIME')
  local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local idMs = tonumber(string.match(id, '^(%d+)-'))
  local minId = math.max(0, math.min(nowMs - ageMs, idMs))
  local bound = string.format('%.0f', minId)
  if minId > 0 then
    local top = redis.call('XREVRANGE', key, '(' .. bound .. '-0', '-', 'COUNT', 1)
    if top[1] then trimmedTop = top[1][1] end
  end
  redis.call('XTRIM', key, 'MINID', bound)
end
if trimmedTop then
  redis.call('XSETID', key, id, 'MAXDELETEDID', trimmedTop)
end

-- Expire the history of topics nobody publishes to any more: after maxAgeMs, but never sooner
-- than a day, so that clients of a quiet topic can still resume. Each publish renews it. With no
-- age limit (maxAgeMs 0) the history never expires, not even one set to expire by an earlier policy.
if ageMs > 0 then
  redis.call('PEXPIRE', key, string.format('%.0f', math.max(ageMs, 86400000)))
else
  redis.call('PERSIST', key)
end

-- Broadcast to the gateway nodes.
local payload = string.char(30) .. id .. '\n' .. event .. '\n' .. retry .. '\n' .. close .. '\n' .. data
redis.call(publishCommand, channel, payload)

return id
