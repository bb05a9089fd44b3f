// One page opens N EventSources to one gateway origin and reports how many opened and how many
// received an event. Run by BrowserStreamsTest (gateway/src/test/java/.../transport), which
// publishes the events; the two talk over stdin/stdout, one JSON object per line:
//   -> {"phase":"open", "protocol":"h2", "open":10, "pending":0}
//   <- published
//   -> {"phase":"received", "received":10, "perStream":[1,1,...]}
//
// Usage: node h2-ten-streams.mjs <page url on the gateway> [streams=10]
// Chromium is Debian's /usr/bin/chromium (CHROMIUM overrides it), driven by playwright-core.
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const [pageUrl, streamsArg] = process.argv.slice(2);
const streams = Number(streamsArg ?? 10);
if (!pageUrl) {
  console.error('usage: node h2-ten-streams.mjs <page url> [streams]');
  process.exit(2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--ignore-certificate-errors',
  ],
});
try {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  await page.goto(pageUrl);
  const protocol = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.nextHopProtocol);

  await page.evaluate((n) => {
    window.sse = { opened: Array(n).fill(false), received: Array(n).fill(0), sources: [] };
    for (let i = 0; i < n; i++) {
      const es = new EventSource(`/events?topic=t${i + 1}`);
      es.onopen = () => { window.sse.opened[i] = true; };
      es.onmessage = () => { window.sse.received[i]++; };
      window.sse.sources.push(es);
    }
  }, streams);

  // Wait until every stream is open, or until the count has not moved for 3 s (the rest wait
  // for a free connection: HTTP/1.1 allows 6 per origin).
  const openCount = () => page.evaluate(() => window.sse.opened.filter(Boolean).length);
  let open = 0;
  let stableSince = Date.now();
  for (const end = Date.now() + 20000; Date.now() < end; await sleep(100)) {
    const now = await openCount();
    if (now !== open) {
      open = now;
      stableSince = Date.now();
    }
    if (open === streams || Date.now() - stableSince > 3000) break;
  }
  const pending = await page.evaluate(() => window.sse.sources.filter((s) => s.readyState === 0).length);
  console.log(JSON.stringify({ phase: 'open', protocol, open, pending }));

  const reply = await lines.next();
  if (reply.done || reply.value.trim() !== 'published') throw new Error(`unexpected reply: ${reply.value}`);
  const received = () => page.evaluate(() => window.sse.received.filter((c) => c > 0).length);
  for (const end = Date.now() + 10000; Date.now() < end && (await received()) < open; await sleep(100));
  await sleep(1000); // a stream that was still pending would show up now
  const perStream = await page.evaluate(() => window.sse.received);
  console.log(JSON.stringify({ phase: 'received', received: perStream.filter((c) => c > 0).length, perStream }));
} finally {
  await browser.close();
  process.stdin.destroy();
}
