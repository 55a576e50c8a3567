// 首页: the web app, built from the shared crate to WASM, shows data fetched from the backend.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launchBrowser, screenshot } from "./harness.mjs";

let server, browser;
before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  server?.stop();
});

test("the home page shows the floor and every county's base price from the server", async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  // The Content-Security-Policy forbids inline scripts and foreign origins: the app must run
  // under it without a single violation.
  const violations = [];
  page.on("console", (m) => { if (/Content Security Policy/i.test(m.text())) violations.push(m.text()); });
  const started = Date.now();
  await page.goto(server.url);
  const teng = page.locator('#counties tr[data-code="450422"]');
  await teng.waitFor({ timeout: 20_000 });
  const firstRender = Date.now() - started;
  console.log(`# time to first data render: ${firstRender} ms`);
  assert.equal(await page.locator("h1").textContent(), "增减挂钩节余指标交易平台");
  assert.match(await teng.textContent(), /藤县.*450422.*县.*是.*280,000\.00/);
  // 苍梧县's 脱贫县 status is unconfirmed: shown as 未核实.
  assert.match(await page.locator('#counties tr[data-code="450421"]').textContent(), /未核实/);
  // 龙圩区 has no base price in the demo.
  assert.match(await page.locator('#counties tr[data-code="450406"]').textContent(), /未设定/);
  // The floor in force today is 250,000 元/亩 (from 2020-01-01).
  const inForce = page.locator("#floor-prices tr", { hasText: "现行" });
  assert.match(await inForce.textContent(), /2020-01-01.*250,000\.00/);
  // Amounts are right-aligned.
  const align = await teng.locator("td.num").evaluate((td) => getComputedStyle(td).textAlign);
  assert.equal(align, "right");
  await screenshot(page, "home-zh");
  assert.deepEqual(violations, [], "no CSP violation");
  await page.close();
});

test("the language switch shows English and persists across a reload", async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(server.url);
  await page.locator("#counties").waitFor();
  await page.click("#lang-switch");
  await page.locator("h1", { hasText: "Linkage Quota Exchange" }).waitFor();
  await page.reload();
  await page.locator('#counties tr[data-code="450422"]', { hasText: "Teng County" }).waitFor();
  assert.match(await page.locator('#counties tr[data-code="450421"]').textContent(), /unconfirmed/);
  await screenshot(page, "home-en");
  await page.close();
});

test("at phone width the page still shows every county and every lot's bid button", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(server.url);
  await page.locator('#counties tr[data-code="450481"]').waitFor();
  assert.equal(await page.locator("#counties tbody tr").count(), 9);
  const buttons = page.locator("#lots a.button");
  await buttons.first().waitFor();
  assert.ok((await buttons.count()) >= 2, "the demo's two live lots");
  for (const box of await buttons.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()))) {
    assert.ok(box.left >= 0 && box.right <= 390, `a 竞价 button at ${box.left}–${box.right} px is off the screen`);
  }
  await screenshot(page, "home-phone");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
  await page.close();
});
