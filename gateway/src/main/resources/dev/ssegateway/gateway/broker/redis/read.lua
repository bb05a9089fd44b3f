-- Reads one topic's history for a resume, atomically with the facts needed to tell whether
-- history still reaches back to the client's id.
--
-- KEYS[1]  the topic's history stream (sse:{topic}:h)
-- ARGV[1]  the client's last id, exclusive ('' = none: only report the head)
-- ARGV[2]  how many entries the caller wants (one more is returned when more follow)
-- ARGV[3]  maximum age of history in milliseconds (0 = no age bound)
--
-- Returns {0} when the stream does not exist, else
-- {1, last-generated-id, max-deleted-entry-id, oldest-kept-id or '', head-is-close (0/1), entries,
--  after-is-kept (0/1), entries-added, length}
-- where entries are XRANGE replies: {id, {field, value, ...}}, and after-is-kept tells whether the
-- client's id itself is still an entry. An id that is neither kept nor at most max-deleted-entry-id
-- was never issued by this stream: it came from a history that is gone (a Redis restart without
-- persistence, a failover that lost the newest writes, an expired and re-created topic).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return {0}
end

local function idParts(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end

local function idAfter(a, b)
  local ams, aseq = idParts(a)
  local bms, bseq = idParts(b)
  return ams > bms or (ams == bms and aseq > bseq)
end

local maxAge = tonumber(ARGV[3])
local trimmedTop = nil
if maxAge > 0 then
  local t = redis.call('TIME')
  local minMs = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) - maxAge
  local minId = string.format('%.0f', math.max(minMs, 0)) .. '-0'
  -- Age-trim now, as publish.lua does, so that max-deleted-entry-id below is exact. The newest
  -- entry is never trimmed: it carries the topic's head.
  local newest = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)
  if newest[1] then
    local newestMs = tonumber(string.match(newest[1][1], '^(%d+)'))
    if newestMs < minMs then
      minId = newest[1][1]
    end
  end
  -- The newest entry this trim removes: recorded as max-deleted-entry-id below (Redis 7 records
  -- only XDEL there, not trimming).
  local top = redis.call('XREVRANGE', KEYS[1], '(' .. minId, '-', 'COUNT', 1)
  if top[1] then
    trimmedTop = top[1][1]
    redis.call('XTRIM', KEYS[1], 'MINID', minId)
  end
end

local info = redis.call('XINFO', 'STREAM', KEYS[1])
local lastGenerated, maxDeleted, first, last, entriesAdded, length = '0-0', '0-0', nil, nil, 0, 0
for i = 1, #info, 2 do
  local k = info[i]
  if k == 'last-generated-id' then lastGenerated = info[i + 1]
  elseif k == 'max-deleted-entry-id' then maxDeleted = info[i + 1]
  elseif k == 'first-entry' then first = info[i + 1]
  elseif k == 'last-entry' then last = info[i + 1]
  elseif k == 'entries-added' then entriesAdded = info[i + 1]
  elseif k == 'length' then length = info[i + 1]
  end
end

if trimmedTop and idAfter(trimmedTop, maxDeleted) then
  redis.call('XSETID', KEYS[1], lastGenerated, 'MAXDELETEDID', trimmedTop)
  maxDeleted = trimmedTop
end

local headIsClose = 0
if last and last[1] == lastGenerated then
  local fields = last[2]
  for j = 1, #fields, 2 do
    if fields[j] == 'c' and fields[j + 1] == '1' then headIsClose = 1 end
  end
end

local entries = {}
local afterKept = 0
if ARGV[1] ~= '' then
  -- One more than asked: the caller learns whether more follow without another read.
  entries = redis.call('XRANGE', KEYS[1], '(' .. ARGV[1], '+', 'COUNT', tonumber(ARGV[2]) + 1)
  if redis.call('XRANGE', KEYS[1], ARGV[1], ARGV[1])[1] then afterKept = 1 end
end
local oldest = ''
if first then oldest = first[1] end
return {1, lastGenerated, maxDeleted, oldest, headIsClose, entries, afterKept, entriesAdded, length}
