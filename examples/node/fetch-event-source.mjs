// Subscribe with @microsoft/fetch-event-source, the usual choice when a browser app must send an
// Authorization header (plain EventSource cannot). It works with the gateway, but four of its
// defaults are traps; this recipe shows the fix for each (marked TRAP).
//
// In a browser, import it and use subscribe() below as is. This file also runs under Node 20+
// (built-in fetch), given two small shims, which is how the test runs it:
//
//   SSE_TOKEN=<jwt> node fetch-event-source.mjs 'http://localhost:8080/events?topic=orders'
//
// Environment: SSE_TOKEN (a JWT), MAX_EVENTS (exit after this many events; the test uses it).
// Prints "open <status>", "event id=<id> name=<name> data=<data>", "server closed the stream,
// reconnecting", "stop <why>", and at the end "skipped <n> data-less blocks".
import { fetchEventSource } from '@microsoft/fetch-event-source';

/** Retry with the server's retry: interval. */
class RetriableError extends Error {}
/** Stop for good: fetchEventSource's promise rejects with it. */
class FatalError extends Error {}

/**
 * Subscribes until `signal` aborts or a FatalError ends it.
 * onEvent gets {id, event, data} for real events only.
 */
export function subscribe(url, { token, onEvent, onStatus = () => {}, signal }) {
  let skipped = 0;
  const done = fetchEventSource(url, {
    headers: { Authorization: `Bearer ${token}` },
    signal,
    // Keep the stream while the tab is hidden. (By default it closes and reopens it on every
    // visibility change; the gateway would replay the gap, but there is no need.)
    openWhenHidden: true,

    async onopen(res) {
      onStatus(`open ${res.status}`);
      if (res.ok && res.headers.get('content-type')?.startsWith('text/event-stream')) return;
      // TRAP: the library's default onopen throws a plain error for any other answer, and plain
      // errors are retried forever, 204 and 401 included. Decide here what is final:
      // 204 = the topic has finished ("close": true was its newest event); 401/403 = the token
      // is missing, expired or does not grant the topic: get a new one before trying again.
      if (res.status === 204 || res.status === 401 || res.status === 403) {
        throw new FatalError(`${res.status} ${res.status === 204 ? 'topic finished' : await res.text()}`);
      }
      throw new RetriableError(`${res.status}`); // 503 broker unavailable / node full, 429...
    },

    onmessage(msg) {
      // TRAP: onmessage also fires for blocks that carry no event: comments (the gateway's ":ok"
      // and heartbeats), "retry:" lines and id-only blocks. The gateway sends those with neither
      // data nor event name. (So publish non-empty data: an empty unnamed event looks the same.)
      if (msg.data === '' && msg.event === '') {
        skipped++;
        return;
      }
      onEvent({ id: msg.id, event: msg.event || 'message', data: msg.data });
    },

    onclose() {
      // TRAP: when the server ends the stream (a "close": true event, or a node draining before
      // shutdown) the library calls onclose and stops for good. Throw to reconnect: it sends the
      // last id as Last-Event-ID, so the gateway replays what was missed.
      onStatus('server closed the stream, reconnecting');
      throw new RetriableError('closed by server');
    },

    onerror(err) {
      // Returning nothing retries after the server's retry: interval; throwing stops.
      if (err instanceof FatalError) throw err;
    },
  });
  return { done, skipped: () => skipped };
}

// --- Run under Node -------------------------------------------------------------------------
const isMain = typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  // The library is written for browsers: it calls window.fetch/setTimeout/clearTimeout and
  // document.removeEventListener even with openWhenHidden. Node 20 has all but the names.
  globalThis.window ??= globalThis;
  globalThis.document ??= { hidden: false, addEventListener() {}, removeEventListener() {} };

  const url = process.argv[2];
  const maxEvents = Number(process.env.MAX_EVENTS ?? Infinity);
  const stop = new AbortController();
  let received = 0;
  const sub = subscribe(url, {
    token: process.env.SSE_TOKEN,
    signal: stop.signal,
    onStatus: (s) => console.log(s),
    onEvent: (e) => {
      console.log(`event id=${e.id} name=${e.event} data=${e.data}`);
      if (++received >= maxEvents) stop.abort();
    },
  });
  try {
    await sub.done;
    console.log('stop max events reached');
  } catch (err) {
    console.log(`stop ${err.message}`);
  }
  console.log(`skipped ${sub.skipped()} data-less blocks`);
}
