// Publish one event straight into Redis from Node, with the npm package `redis` and the gateway's
// own Lua script (publisher/src/main/resources/dev/ssegateway/publisher/publish.lua). No gateway
// is involved: every gateway node on that Redis delivers the event, and it is kept for resume.
//
//   node publish-redis.mjs redis://127.0.0.1:6379 orders '{"id":42}' [event]
//
// Prints "published id=<id>".
//
// Environment, to match the gateway's settings (defaults shown):
//   SSE_REDIS_PREFIX=sse:  SSE_HISTORY_SIZE=1000  SSE_HISTORY_TTL_MS=3600000
//   PUBLISH_LUA  path of publish.lua (default: the copy in this repository)
import { readFileSync } from 'node:fs';
import { createClient } from 'redis';

const [redisUrl, topic, data, event = ''] = process.argv.slice(2);
if (!redisUrl || !topic || data === undefined) {
  console.error('usage: node publish-redis.mjs <redis url> <topic> <data> [event]');
  process.exit(2);
}
const env = process.env;
const script = readFileSync(env.PUBLISH_LUA
  ?? new URL('../../publisher/src/main/resources/dev/ssegateway/publisher/publish.lua', import.meta.url), 'utf8');
const prefix = env.SSE_REDIS_PREFIX ?? 'sse:';
// The braces are a Redis Cluster hash tag: history key and channel land in one slot.
const channel = `${prefix}{${topic}}`;

const client = createClient({ url: redisUrl });
client.on('error', (err) => console.error('redis:', err.message));
await client.connect();
try {
  // The library sends EVAL; a long-lived publisher would SCRIPT LOAD once and use EVALSHA.
  const id = await client.eval(script, {
    keys: [`${channel}:h`],
    arguments: [
      channel,
      event,                               // '' for the default "message" event
      data,
      '',                                  // retry hint in ms, '' for none
      '0',                                 // '1' ends the topic's streams after this event
      env.SSE_HISTORY_SIZE ?? '1000',      // history entries kept per topic
      env.SSE_HISTORY_TTL_MS ?? '3600000', // their maximum age
      'PUBLISH',                           // 'SPUBLISH' on Redis Cluster (SSE_REDIS_MODE=cluster)
    ],
  });
  console.log(`published id=${id}`);
} finally {
  await client.quit();
}
