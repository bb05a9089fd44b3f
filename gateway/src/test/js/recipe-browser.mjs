// Runs the browser recipe examples/browser/cookie-auth.html in headless Chromium and prints what
// the page logs (one line each: "open ...", "event id=... name=... data=...", "stop ..."), so
// RecipesTest can check it like the other recipes' output.
//
// The page is served on the gateway's own origin (Playwright answers /app/* from the recipe's
// folder), as an app behind the same site would serve it. The cookie the app's backend would set
// after login is put in the browser up front; POST /app/refresh-sse-cookie answers with a
// Set-Cookie holding the renewal token, as the app's endpoint would.
//
// Usage: node recipe-browser.mjs <gateway origin> <recipe dir> <topic> <cookie token|-> <renewal token>
//        <max events>
// Exits after <max events> events, a "stop" line, or 30 s; then prints "cookie none|as set|renewed".
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

const [origin, recipeDir, topic, cookieToken, renewalToken, maxArg] = process.argv.slice(2);
const maxEvents = Number(maxArg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cookie = (value) => `sse_token=${value}; Path=/; HttpOnly; SameSite=Strict`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext();
  if (cookieToken !== '-') {
    await context.addCookies([{ name: 'sse_token', value: cookieToken, url: origin, httpOnly: true, sameSite: 'Strict' }]);
  }
  await context.route(`${origin}/app/**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice('/app/'.length);
    if (name === 'refresh-sse-cookie') {
      return route.fulfill({ status: 204, headers: { 'Set-Cookie': cookie(renewalToken) } });
    }
    const type = name.endsWith('.js') ? 'text/javascript' : 'text/html';
    return route.fulfill({ status: 200, contentType: type, body: await readFile(path.join(recipeDir, path.basename(name))) });
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`page error ${err.message}`));
  await page.goto(`${origin}/app/cookie-auth.html?topic=${encodeURIComponent(topic)}`);

  let printed = 0;
  let events = 0;
  let stopped = false;
  for (const end = Date.now() + 30000; Date.now() < end && !stopped && events < maxEvents; await sleep(50)) {
    const log = await page.evaluate(() => window.recipeLog ?? []);
    for (; printed < log.length; printed++) {
      console.log(log[printed]);
      if (log[printed].startsWith('event ')) events++;
      if (log[printed].startsWith('stop ')) stopped = true;
    }
  }
  // Which cookie the browser holds now: the renewal endpoint's Set-Cookie must have replaced it.
  const held = (await context.cookies(origin)).find((c) => c.name === 'sse_token');
  console.log(`cookie ${!held ? 'none' : held.value === renewalToken && held.value !== cookieToken ? 'renewed' : 'as set'}`);
} finally {
  await browser.close();
}
