// Loads the gateway's demo page and reports, without clicking anything, that it subscribed and
// that a published event shows in its log. Run by DemoPageTest, which publishes the event; the
// two talk over stdin/stdout, one JSON object per line:
//   -> {"phase":"subscribed", "status":"connected"}
//   <- published <data>
//   -> {"phase":"shown", "shown":true}
//
// Usage: node demo-page.mjs <gateway url>
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const [pageUrl] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  await page.goto(pageUrl);
  const status = () => page.evaluate(() => document.getElementById('status').textContent);
  for (const end = Date.now() + 15000; Date.now() < end && (await status()) !== 'connected'; await sleep(100));
  console.log(JSON.stringify({ phase: 'subscribed', status: await status() }));

  const reply = await lines.next();
  if (reply.done || !reply.value.startsWith('published ')) throw new Error(`unexpected reply: ${reply.value}`);
  const data = reply.value.slice('published '.length);
  const shown = () => page.evaluate((d) => document.getElementById('logBody').textContent.includes(d), data);
  for (const end = Date.now() + 10000; Date.now() < end && !(await shown()); await sleep(100));
  console.log(JSON.stringify({ phase: 'shown', shown: await shown() }));
} finally {
  await browser.close();
  process.stdin.destroy();
}
