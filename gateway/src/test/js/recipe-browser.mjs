// Runs the browser recipe examples/browser/cookie-auth.html in headless Chromium and prints what
// the page logs (one line each: "open ...", "event id=... name=... data=...", "stop ..."), so
// BrowserRecipesTest can check it like the other recipes' output.
//
// The shape of a real deployment: the app's page on one origin, the gateway on another of the same
// site (app.example.test and events.example.test, both mapped to 127.0.0.1 inside Chromium), the
// token in an HttpOnly, SameSite=Strict cookie for the whole site, as the app's backend would set
// it after login. A small app server here (on 127.0.0.1 like the gateway, so Chromium's private
// network rules see one address space) serves /app/* from the recipe's folder, and answers
// POST /app/refresh-sse-cookie with a Set-Cookie holding the renewal token, as the app would.
//
// Usage: node recipe-browser.mjs <app port> <gateway url> <cookie domain> <recipe dir> <topic>
//        <renewal token> <max events>
// The page's origin is http://app.<cookie domain>:<app port>: list it in SSE_CORS_ORIGINS.
// Once Chromium runs it prints "browser ready" and reads one line from stdin: the token for the
// login cookie, or "-" for none. (So a short-lived token's clock starts when the page loads, not
// before Chromium's start-up, which takes seconds on a busy machine.)
// Exits after <max events> events, a "stop" line, or 30 s; then prints "cookie none|as set|renewed".
import { chromium } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import path from 'node:path';

const [appPort, gatewayUrl, cookieDomain, recipeDir, topic, renewalToken, maxArg] = process.argv.slice(2);
const maxEvents = Number(maxArg);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const setCookie = (value) => `sse_token=${value}; Domain=${cookieDomain}; Path=/; HttpOnly; SameSite=Strict`;
const pageOrigin = `http://app.${cookieDomain}:${appPort}`;

const app = createServer(async (req, res) => {
  const name = new URL(req.url, pageOrigin).pathname.replace(/^\/app\//, '');
  if (name === '/favicon.ico') return res.writeHead(204).end();
  if (req.method === 'POST' && name === 'refresh-sse-cookie') {
    res.writeHead(204, { 'Set-Cookie': setCookie(renewalToken) }).end();
    return;
  }
  try {
    const body = await readFile(path.join(recipeDir, path.basename(name)));
    res.writeHead(200, { 'Content-Type': name.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => app.listen(Number(appPort), '127.0.0.1', resolve));

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP *.example.test 127.0.0.1'],
});
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  console.log('browser ready');
  const stdin = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const cookieToken = (await stdin.next()).value?.trim() ?? '-';
  process.stdin.destroy();
  if (cookieToken !== '-') {
    await context.addCookies([{ name: 'sse_token', value: cookieToken, domain: `.${cookieDomain}`, path: '/',
      httpOnly: true, sameSite: 'Strict' }]);
  }
  page.on('pageerror', (err) => console.log(`page error ${err.message}`));
  page.on('console', (msg) => msg.type() === 'error' && console.log(`console error ${msg.text()}`));
  const query = new URLSearchParams({ gateway: gatewayUrl, topic });
  await page.goto(`${pageOrigin}/app/cookie-auth.html?${query}`);

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
  const held = (await context.cookies(gatewayUrl)).find((c) => c.name === 'sse_token');
  console.log(`cookie ${!held ? 'none' : held.value === renewalToken && held.value !== cookieToken ? 'renewed' : 'as set'}`);
} finally {
  await browser.close();
  app.close();
}
