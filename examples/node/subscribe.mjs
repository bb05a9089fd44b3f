// Subscribe to sse-gateway from Node 20+ with the built-in fetch, and resume with Last-Event-ID.
//
//   node subscribe.mjs 'http://localhost:8080/events?topic=orders'
//
// Environment (all optional):
//   SSE_TOKEN      a JWT, sent as "Authorization: Bearer" (needed unless the topic is public)
//   LAST_EVENT_ID  resume from this id on the first connect (e.g. one you saved)
//   MAX_EVENTS     exit after this many events (the test uses it)
//
// Prints one line per step: "open last-event-id=<id|->", "event id=<id> name=<name> data=<data>",
// "end reconnecting in <ms> ms", "stop <why>".
//
// What EventSource does for a browser, a server-side client must do itself:
// - keep the id of the last event and send it as Last-Event-ID when it reconnects: the gateway then
//   replays what the client missed, on any node, exactly once;
// - wait the server's `retry:` hint before reconnecting (the gateway sends one at the start);
// - stop on 204 (the topic has finished: the newest event was published with "close": true) and on
//   401/403 (retrying will not fix a bad token); retry on anything else.

const url = process.argv[2];
if (!url) {
  console.error("usage: node subscribe.mjs '<gateway>/events?topic=...'");
  process.exit(2);
}
const token = process.env.SSE_TOKEN;
const maxEvents = Number(process.env.MAX_EVENTS ?? Infinity);
// A dead connection shows up as silence: the gateway sends a comment every 15 s (SSE_HEARTBEAT_MS).
const idleTimeoutMs = 45_000;

let lastEventId = process.env.LAST_EVENT_ID ?? '';
let retryMs = 3000;
let received = 0;

for (;;) {
  const outcome = await connectOnce();
  if (outcome !== 'reconnect') {
    console.log(`stop ${outcome}`);
    break;
  }
  console.log(`end reconnecting in ${retryMs} ms`);
  await new Promise((r) => setTimeout(r, retryMs));
}

/** One connection: returns 'reconnect', or why to stop for good. */
async function connectOnce() {
  const headers = { Accept: 'text/event-stream' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (lastEventId) headers['Last-Event-ID'] = lastEventId;
  const idle = new AbortController();
  let idleTimer = setTimeout(() => idle.abort(), idleTimeoutMs);
  try {
    const res = await fetch(url, { headers, signal: idle.signal });
    if (res.status === 204) return 'topic finished (204)';
    if (res.status === 401 || res.status === 403) return `refused ${res.status} ${await res.text()}`;
    if (!res.ok) {
      await res.body?.cancel();
      return 'reconnect'; // 503 (broker down, node full), 429...: try again later
    }
    console.log(`open last-event-id=${lastEventId || '-'}`);

    // The event-stream format: lines "field: value"; a blank line ends an event; ":" starts a comment.
    let buffer = '';
    let event = { data: [], name: '', id: null };
    for await (const chunk of res.body.pipeThrough(new TextDecoderStream())) {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => idle.abort(), idleTimeoutMs);
      buffer += chunk;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop(); // an unfinished line waits for the next chunk
      for (const line of lines) {
        if (line === '') {
          // Blank line: dispatch. Blocks without data (the gateway's opening id-only block, for one)
          // only move the id, they are not events.
          if (event.id !== null) lastEventId = event.id;
          if (event.data.length > 0) {
            console.log(`event id=${lastEventId} name=${event.name || 'message'} data=${event.data.join('\n')}`);
            if (++received >= maxEvents) return 'max events reached';
          }
          event = { data: [], name: '', id: null };
          continue;
        }
        if (line.startsWith(':')) continue; // comment: heartbeat or ":ok"
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        if (field === 'data') event.data.push(value);
        else if (field === 'event') event.name = value;
        else if (field === 'id' && !value.includes('\0')) event.id = value;
        else if (field === 'retry' && /^\d+$/.test(value)) retryMs = Number(value);
      }
    }
    return 'reconnect'; // the server ended the stream (a "close": true event, a drain): resume
  } catch (err) {
    return 'reconnect'; // connection refused or reset, idle timeout
  } finally {
    clearTimeout(idleTimer);
  }
}
