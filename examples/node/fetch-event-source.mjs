// Subscribe with @microsoft/fetch-event-source, the usual choice when a browser app must send an
// Authorization header (plain EventSource cannot). It works with the gateway, but several of its
// defaults are traps; this recipe shows the fix for each (marked TRAP).
//
// In a browser, import subscribe() and use it as is. This file also runs under Node 20+ (built-in
// fetch), given two small shims, which is how the test runs it:
//
//   SSE_TOKEN=<jwt> node fetch-event-source.mjs 'http://localhost:8080/events?topic=orders'
//
// Environment: SSE_TOKEN (a JWT), SSE_TOKEN_RENEWED (what "renewing" the token returns; your app
// would ask its backend), MAX_EVENTS (exit after this many events; the test uses it).
// Prints "open <status>", "event id=<id> name=<name> data=<data>", "server closed the stream,
// reconnecting", "token expired, renewing it", "stop <why>", and "skipped <n> data-less blocks".
import { fetchEventSource } from '@microsoft/fetch-event-source';

/** Retry with the server's retry: interval. */
class RetriableError extends Error {}
/** Stop for good: subscribe()'s promise rejects with it. */
class FatalError extends Error {}
/** The gateway ended the stream because the token expired: get a new one, then resume. */
class TokenExpired extends Error {}

/**
 * Follows `url` until `signal` aborts (the promise resolves) or a FatalError ends it (it rejects).
 *   getToken()      async: a valid JWT; called again when the gateway says the token expired
 *   onEvent(e)      {id, event, data}, for real events only
 *   onStatus(text)  what the connection is doing
 */
export async function subscribe(url, { getToken, onEvent, onStatus = () => {}, onSkip = () => {}, signal }) {
  let lastEventId = '';
  for (;;) {
    let tokenExpired = false;
    const headers = { Authorization: `Bearer ${await getToken()}` };
    // The library keeps the id under this exact lower-case name and sends it on its own retries;
    // another spelling would go out as a second header, joined by fetch as "a, b": an id the
    // gateway cannot read, so it would send sse-history-lost and replay all it keeps (duplicates).
    if (lastEventId) headers['last-event-id'] = lastEventId;
    try {
      await fetchEventSource(url, {
        headers,
        signal,
        // Keep the stream while the tab is hidden. (By default it closes and reopens it on every
        // visibility change; the gateway would replay the gap, but there is no need.)
        openWhenHidden: true,

        async onopen(res) {
          onStatus(`open ${res.status}`);
          if (res.ok && res.headers.get('content-type')?.startsWith('text/event-stream')) return;
          // TRAP: the default onopen throws a plain error for any other answer, and plain errors are
          // retried forever, 204 and 401 included. Decide here what is final: 204 = the topic has
          // finished ("close": true was its newest event); 401/403 = the token is missing, invalid
          // or does not grant the topic.
          if (res.status === 204 || res.status === 401 || res.status === 403) {
            throw new FatalError(`${res.status} ${res.status === 204 ? 'topic finished' : await res.text()}`);
          }
          throw new RetriableError(`${res.status}`); // 503 broker unavailable / node full, 429...
        },

        onmessage(msg) {
          if (msg.id) lastEventId = msg.id;
          // TRAP: onmessage also fires for blocks that carry no event: comments (the gateway's ":ok"
          // and heartbeats), "retry:" lines and id-only blocks. The gateway sends those with neither
          // data nor event name. (So publish non-empty data: an empty unnamed event looks the same.)
          if (msg.data === '' && msg.event === '') return onSkip();
          if (msg.event === 'sse-token-expired') {
            tokenExpired = true; // the stream ends next: see onclose
            return;
          }
          onEvent({ id: msg.id, event: msg.event || 'message', data: msg.data });
        },

        onclose() {
          if (tokenExpired) throw new TokenExpired();
          // TRAP: when the server ends the stream (a "close": true event, or a node draining before
          // shutdown) the library calls onclose and stops for good. Throw to reconnect: it sends the
          // last id as Last-Event-ID, so the gateway replays what was missed.
          onStatus('server closed the stream, reconnecting');
          throw new RetriableError('closed by server');
        },

        onerror(err) {
          // Returning nothing retries after the server's retry: interval; throwing stops.
          if (err instanceof FatalError || err instanceof TokenExpired) throw err;
        },
      });
      return; // signal aborted
    } catch (err) {
      // TRAP: the headers are fixed for the whole call, so retrying would send the expired token
      // again (401). Start a new call with a new token, resuming from the last id.
      if (!(err instanceof TokenExpired)) throw err;
      onStatus('token expired, renewing it');
    }
  }
}

// --- Run under Node -------------------------------------------------------------------------
if (import.meta.url === `file://${process.argv[1]}`) {
  // TRAP: the library is written for browsers: it calls window.fetch/setTimeout/clearTimeout and
  // document.removeEventListener even with openWhenHidden. Node 20 has all but the names.
  globalThis.window ??= globalThis;
  globalThis.document ??= { hidden: false, addEventListener() {}, removeEventListener() {} };

  const maxEvents = Number(process.env.MAX_EVENTS ?? Infinity);
  const stop = new AbortController();
  let received = 0;
  let skipped = 0;
  let tokens = 0;
  try {
    await subscribe(process.argv[2], {
      getToken: async () => (tokens++ === 0 ? process.env.SSE_TOKEN : process.env.SSE_TOKEN_RENEWED ?? process.env.SSE_TOKEN),
      signal: stop.signal,
      onStatus: (s) => console.log(s),
      onSkip: () => skipped++,
      onEvent: (e) => {
        console.log(`event id=${e.id} name=${e.event} data=${e.data}`);
        if (++received >= maxEvents) stop.abort();
      },
    });
    console.log('stop max events reached');
  } catch (err) {
    console.log(`stop ${err.message}`);
  }
  console.log(`skipped ${skipped} data-less blocks`);
}
