// Follow sse-gateway topics from a browser page with plain EventSource, the JWT in an HttpOnly
// cookie (the gateway reads it from the cookie named by SSE_JWT_COOKIE, default sse_token).
//
// Why a cookie: EventSource cannot send headers, and a token in the URL (?access_token=) ends up in
// proxy logs, browser history and Referer headers. Your app's backend sets the cookie after its
// own login, for the whole site, so that it reaches the gateway's host too:
//
//   Set-Cookie: sse_token=<jwt>; Domain=example.com; Path=/; HttpOnly; Secure; SameSite=Strict
//
// and has an endpoint that sets a fresh one (here POST /app/refresh-sse-cookie).
// Page and gateway on different hosts of one site (app.example.com -> events.example.com): list
// the page's origin in SSE_CORS_ORIGINS; withCredentials below makes the browser send the cookie,
// and SameSite=Strict allows it (same site). A gateway on another site would need SameSite=None,
// which third-party cookie blocking defeats: keep the gateway on your site.

/**
 * Opens the stream and keeps it open across token expiry. Returns a function that closes it.
 *   onEvent({id, event, data})   every event, named or not
 *   onStatus(text)               what the connection is doing
 *   refreshUrl                   your app's endpoint that renews the cookie
 */
export function follow(gatewayUrl, topics, { onEvent, onStatus = () => {}, refreshUrl }) {
  let es;
  let lastEventId = '';

  function open() {
    const url = new URL('/events', gatewayUrl);
    for (const t of topics) url.searchParams.append('topic', t);
    // A new EventSource starts with no Last-Event-ID: pass the id we hold, so nothing published
    // while we were away is lost (the gateway replays it).
    if (lastEventId) url.searchParams.set('lastEventId', lastEventId);
    es = new EventSource(url, { withCredentials: true });
    es.onopen = () => onStatus(`open last-event-id=${lastEventId || '-'}`);

    const deliver = (e) => {
      lastEventId = e.lastEventId;
      onEvent({ id: e.lastEventId, event: e.type, data: e.data });
    };
    es.onmessage = deliver; // events published without a name
    // Named events need a listener each: list the names your publishers use.
    for (const name of ['created', 'updated']) es.addEventListener(name, deliver);

    // History no longer reaches back to our id: what we hold may be stale. Reload it from your API.
    es.addEventListener('sse-history-lost', (e) => onStatus(`history lost ${e.data}`));

    // The token in the cookie expired; the gateway ends the stream. Renew the cookie, then reopen
    // from the last id. (EventSource itself would reconnect with the old cookie and be refused.)
    es.addEventListener('sse-token-expired', async (e) => {
      es.close();
      lastEventId = e.lastEventId || lastEventId; // also moved by id-only blocks
      onStatus('token expired, renewing the cookie');
      const res = await fetch(refreshUrl, { method: 'POST', credentials: 'include' });
      if (!res.ok) return onStatus(`stop could not renew the cookie (${res.status})`);
      open();
    });

    es.onerror = () => {
      // EventSource reconnects by itself after a dropped connection (readyState CONNECTING) and
      // sends Last-Event-ID. It gives up for good (CLOSED) when the gateway answers anything but
      // 200: 401/403 (no valid cookie for these topics) or 204 (the topic finished). A page cannot
      // read the status; typically it sends the user to log in again.
      if (es.readyState === EventSource.CLOSED) onStatus('stop the gateway refused the stream');
    };
  }

  open();
  return () => es.close();
}
