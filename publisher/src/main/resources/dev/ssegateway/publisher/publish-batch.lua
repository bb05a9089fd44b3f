-- sse-gateway: publish several events to one topic, all or none, optionally idempotent (Redis 7+).
--
-- The batch form of publish.lua (read its header first: the history, trimming, policy and payload
-- rules are the same, event by event). In one atomic step it appends every event to the topic's
-- history in the order given, broadcasts each, and, with an idempotency record key, keeps the ids
-- so that a retry of the same call gets them back instead of publishing again:
--
--   EVAL <script> 1 <historyKey>             <channel> <maxLen> <maxAgeMs> <publishCommand> '' '' <count> <event data retry close>...
--   EVAL <script> 2 <historyKey> <recordKey> <channel> <maxLen> <maxAgeMs> <publishCommand> <fingerprint> <recordTtlMs> <count> <event data retry close>...
--
--   KEYS[1] historyKey      <prefix>{<topic>}:h
--   KEYS[2] recordKey       <prefix>{<topic>}:i:<recordId> (optional): where this call's ids are kept
--   ARGV[1] channel         <prefix>{<topic>}
--   ARGV[2] maxLen          as publish.lua ('' for the deployment's policy)
--   ARGV[3] maxAgeMs        as publish.lua ('' for the deployment's policy)
--   ARGV[4] publishCommand  'PUBLISH' or 'SPUBLISH'
--   ARGV[5] fingerprint     what this call publishes (any text without LF); '' without a record key
--   ARGV[6] recordTtlMs     how long the record is kept, in ms; '' without a record key
--   ARGV[7] count           number of events, 1 or more; then 4 arguments per event, as publish.lua's
--                           ARGV[2..5]: event ('' default), data, retry ('' none), close ('0'/'1')
--
-- Returns {0, id1, id2, ...}: published, one id per event in order. With a record key that already
-- exists: {1, id1, id2, ...}, the ids the first call published, and nothing is written; or, when
-- that call had another fingerprint, the error "IDEMPOTENCY_KEY_REUSED ..." and nothing is written.
-- Invalid arguments give "ERR invalid <what>: <why>" and change nothing: every event is checked
-- before the first is written.
--
-- The record is a string "<fingerprint>\n<id1>,<id2>,...", expiring after recordTtlMs. Its key has
-- the topic's hash tag, so in Redis Cluster it lives in the topic's slot, beside the history.

local nkeys = #KEYS
if nkeys ~= 1 and nkeys ~= 2 then
  return redis.error_reply('ERR invalid arguments: expected 1 or 2 keys, see the script header')
end
local count = tonumber(ARGV[7])
if not count or count < 1 or count ~= math.floor(count) or #ARGV ~= 7 + 4 * count then
  return redis.error_reply('ERR invalid arguments: expected 7 + 4 * count arguments, see the script header')
end

local key = KEYS[1]
local channel, maxLen, maxAgeMs, publishCommand = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local fingerprint, recordTtl = ARGV[5], ARGV[6]

local function invalid(what, why)
  return redis.error_reply('ERR invalid ' .. what .. ': ' .. why)
end

local function isCount(text)
  return string.match(text, '^%d+$') ~= nil and #text <= 15
end

if key ~= channel .. ':h' then
  return invalid('channel', 'the history key must be the channel followed by ":h"')
end
local record = nil
if nkeys == 2 then
  record = KEYS[2]
  if string.sub(record, 1, #channel + 3) ~= channel .. ':i:' or #record == #channel + 3 then
    return invalid('recordKey', 'must be the channel followed by ":i:" and a record id')
  end
  if fingerprint == '' or string.find(fingerprint, '\n', 1, true) then
    return invalid('fingerprint', 'must be non-empty text without LF')
  end
  if not isCount(recordTtl) or tonumber(recordTtl) < 1 then
    return invalid('recordTtlMs', 'must be a whole number of at least 1')
  end
  local kept = redis.call('GET', record)
  if kept then
    local nl = string.find(kept, '\n', 1, true)
    if not nl or string.sub(kept, 1, nl - 1) ~= fingerprint then
      return redis.error_reply('IDEMPOTENCY_KEY_REUSED this key was used with a different request body')
    end
    local out = {1}
    for id in string.gmatch(string.sub(kept, nl + 1), '[^,]+') do
      out[#out + 1] = id
    end
    return out
  end
end

-- Validate every event before writing anything: all or none.
for i = 0, count - 1 do
  local event, retry, close = ARGV[8 + 4 * i], ARGV[10 + 4 * i], ARGV[11 + 4 * i]
  if string.find(event, '[\r\n%z]') then
    return invalid('event', 'CR, LF and NUL are not allowed (event ' .. i .. ')')
  end
  if string.sub(event, 1, 4) == 'sse-' then
    return invalid('event', 'names starting with "sse-" are reserved (event ' .. i .. ')')
  end
  if retry ~= '' and not (isCount(retry) and tonumber(retry) <= 86400000) then
    return invalid('retry', "must be '' or 0..86400000 (event " .. i .. ')')
  end
  if close ~= '0' and close ~= '1' then
    return invalid('close', "must be '0' or '1' (event " .. i .. ')')
  end
end

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

-- Append and broadcast each event as publish.lua does; trimmedTop is the newest entry any trim
-- removed, recorded once at the end as the stream's max-deleted-entry-id.
local trimmedTop = nil
local ids = {}
for i = 0, count - 1 do
  local event, data, retry, close = ARGV[8 + 4 * i], ARGV[9 + 4 * i], ARGV[10 + 4 * i], ARGV[11 + 4 * i]
  local excess = redis.call('XLEN', key) - tonumber(maxLen) + 1
  if excess > 0 then
    local removed = redis.call('XRANGE', key, '-', '+', 'COUNT', excess)
    if removed[#removed] then trimmedTop = removed[#removed][1] end
  end
  local id = redis.call('XADD', key, 'MAXLEN', '=', maxLen, '*', 'e', event, 'd', data, 'r', retry, 'c', close)
  ids[#ids + 1] = id
  redis.call(publishCommand, channel,
    string.char(30) .. id .. '\n' .. event .. '\n' .. retry .. '\n' .. close .. '\n' .. data)
end
local lastId = ids[#ids]

-- Trim by age once, bounded by the newest entry's own time (see publish.lua).
local ageMs = tonumber(maxAgeMs)
if ageMs > 0 then
  local time = redis.call('TIME')
  local nowMs = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
  local idMs = tonumber(string.match(lastId, '^(%d+)-'))
  local minId = math.max(0, math.min(nowMs - ageMs, idMs))
  local bound = string.format('%.0f', minId)
  if minId > 0 then
    local top = redis.call('XREVRANGE', key, '(' .. bound .. '-0', '-', 'COUNT', 1)
    if top[1] then trimmedTop = top[1][1] end
  end
  redis.call('XTRIM', key, 'MINID', bound)
end
if trimmedTop then
  redis.call('XSETID', key, lastId, 'MAXDELETEDID', trimmedTop)
end
if ageMs > 0 then
  redis.call('PEXPIRE', key, string.format('%.0f', math.max(ageMs, 86400000)))
else
  redis.call('PERSIST', key)
end

if record then
  redis.call('SET', record, fingerprint .. '\n' .. table.concat(ids, ','), 'PX', recordTtl)
end

local out = {0}
for i = 1, #ids do
  out[#out + 1] = ids[i]
end
return out
