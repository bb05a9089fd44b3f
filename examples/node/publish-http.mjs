// Publish one event over HTTP from Node 20+ (built-in fetch).
//
//   SSE_PUBLISH_KEY=... node publish-http.mjs http://localhost:8080 orders '{"id":42}' [event]
//
// Prints "published id=<id>". The id is the event's position in the topic's history; subscribers
// see it as the SSE id. Each retry says so on stderr: "busy <status>, retrying in <s> s".
//
// Retries only where the gateway says nothing was published (503 broker_unavailable, 429 rate
// limit), after its Retry-After. A timeout is not retried: the first call may have published, and a
// retry would publish the event twice.

const [base, topic, data, event] = process.argv.slice(2);
if (!base || !topic || data === undefined) {
  console.error("usage: node publish-http.mjs <gateway url> <topic> <data> [event]");
  process.exit(2);
}
const body = { topic, data };
if (event) body.event = event;

for (let attempt = 1; ; attempt++) {
  const res = await fetch(new URL('/publish', base), {
    method: 'POST',
    headers: { Authorization: `Bearer ${process.env.SSE_PUBLISH_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = await res.json(); // {"id": ...} or {"error": code, "message": sentence}
  if (res.ok) {
    console.log(`published id=${answer.id}`);
    break;
  }
  if ((res.status === 503 || res.status === 429) && attempt < 5) {
    const waitS = Number(res.headers.get('retry-after') ?? 1);
    console.error(`busy ${res.status}, retrying in ${waitS} s`);
    await new Promise((r) => setTimeout(r, waitS * 1000));
    continue;
  }
  console.error(`refused ${res.status} ${answer.error}: ${answer.message}`);
  process.exit(1);
}
