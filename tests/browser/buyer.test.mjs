// The public and buyer pages in headless Chromium against the real server (fresh SQLite with
// the demo data): calculator (also offline), buying, a double click, a rule refusal, bidding.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import jsQR from "jsqr";
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

async function loggedIn(username) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill("#username", username);
  await page.fill("#password", "demo-2026");
  await page.click("#login-form button[type=submit]");
  await page.locator("#who").waitFor();
  return { context, page };
}

/** The buyer's purchases, asked from inside the page (same cookie). */
async function myPurchases(page) {
  return page.evaluate(async () => (await (await fetch("/api/v1/purchases")).json()).purchases);
}

test("the calculator answers for a 长洲区 housing project given in 公顷, and keeps answering offline", async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/calculator`);
  // It opens on a worked example, already answered.
  await page.locator("#required-mu", { hasText: "20.0000 亩" }).waitFor();
  assert.match(await page.locator("#calc-example").textContent(), /示例/);
  await page.selectOption("#calc-use", "residential");
  await page.selectOption("#calc-county", "450405");
  await page.selectOption("#calc-unit", "ha");
  await page.fill("#calc-area", "2");
  await page.locator("#required-mu", { hasText: "30.0000 亩" }).waitFor();
  assert.match(await page.locator("#must-buy").textContent(), /必须购买/);
  const rules = await page.locator("#rules-applied").textContent();
  assert.match(rules, /R6/);
  assert.match(rules, /R7.*自治区交易平台/);
  assert.match(rules, /三\(三\)5/);
  // Only regional 脱贫县 lots: the two real notices, with their minimum bids and deposits.
  const lots = await page.locator("#regional-options").textContent();
  assert.match(lots, /4,383,375\.00.*500,000\.00/);
  assert.match(lots, /18,815,100\.00.*1,900,000\.00/);
  assert.match(await page.locator("#total-capital").textContent(), /元整$/);
  await screenshot(page, "calculator-zh");

  await context.setOffline(true);
  await page.fill("#calc-area", "3");
  await page.locator("#required-mu", { hasText: "45.0000 亩" }).waitFor();
  await page.fill("#calc-area", "3.123456");
  assert.match(await page.locator("#calc-error").textContent(), /最多保留4位小数/);
  await context.setOffline(false);
  await context.close();
});

test("a buyer buys part of a listing, sees the remaining area drop and the purchase listed", async () => {
  const { context, page } = await loggedIn("developer");
  await page.goto(`${server.url}/market/1`);
  const before = await page.locator("#remaining").textContent();
  // 20 亩 listed, 5 and 2 sold in the demo.
  assert.equal(before, "13.0000");
  await page.fill("#buy-area", "2.5");
  await page.fill("#buy-project", "岑溪市城东工业园标准厂房");
  await page.selectOption("#buy-use", "industrial");
  await page.selectOption("#buy-county", "450481");
  await page.locator("#precheck", { hasText: "规则检查通过" }).waitFor();
  assert.match(await page.locator("#amount-due").textContent(), /700,000\.00 元/);
  await screenshot(page, "buy-zh");
  await page.click("#buy-submit");
  await page.locator("#buy-ok").waitFor();
  await page.locator("#remaining", { hasText: "10.5000" }).waitFor();
  await page.goto(`${server.url}/mine`);
  const row = page.locator("#my-purchases tbody tr").first();
  assert.match(await row.textContent(), /藤县.*2\.5000.*700,000\.00.*待付款/);
  await screenshot(page, "mine-zh");
  await context.close();
});

test("a double click on submit buys once", async () => {
  const { context, page } = await loggedIn("developer");
  const before = (await myPurchases(page)).length;
  await page.goto(`${server.url}/market/1`);
  await page.fill("#buy-area", "1");
  await page.fill("#buy-project", "双击测试项目");
  await page.selectOption("#buy-use", "industrial");
  await page.locator("#precheck", { hasText: "规则检查通过" }).waitFor();
  await page.dblclick("#buy-submit");
  await page.locator("#buy-ok").waitFor();
  await page.waitForTimeout(500);
  const after = (await myPurchases(page)).length;
  assert.equal(after, before + 1, "one purchase for a double click");
  await context.close();
});

test("a 长洲区 housing project is refused county quota with R7's message in Chinese", async () => {
  const { context, page } = await loggedIn("developer");
  const before = (await myPurchases(page)).length;
  await page.goto(`${server.url}/market/1`);
  await page.fill("#buy-area", "1");
  await page.fill("#buy-project", "长洲区商品住宅项目");
  await page.selectOption("#buy-use", "residential");
  await page.selectOption("#buy-county", "450405");
  const check = page.locator("#precheck");
  await check.locator("li", { hasText: "R7" }).waitFor();
  assert.match(await check.textContent(), /R7：长洲区的商品住宅项目只能通过自治区交易平台购买脱贫县节余指标/);
  assert.equal(await page.locator("#buy-submit").isDisabled(), true, "submitting is blocked");
  assert.equal((await myPurchases(page)).length, before, "nothing was bought");
  await screenshot(page, "buy-r7-zh");
  await context.close();
});

test("a regional bidder bids on a lot with the next valid amount pre-filled", async () => {
  const { context, page } = await loggedIn("changzhou");
  await page.goto(`${server.url}/lots/4`);
  await page.locator("#bid-amount").waitFor();
  assert.equal(await page.inputValue("#bid-amount"), "4383375.00");
  assert.match(await page.locator("#countdown").textContent(), /\d+天 \d\d:\d\d:\d\d/);
  await page.click("#bid-submit");
  await page.locator("#bid-ok").waitFor();
  await page.locator("#high-bid", { hasText: "4,383,375.00" }).waitFor();
  assert.equal(await page.inputValue("#bid-amount"), "4433375.00", "the next valid bid is pre-filled");
  await screenshot(page, "lot-zh");
  await context.close();
});

// Draws the SVG at `selector` on a canvas in the page and reads its pixels as a QR code with
// jsQR, here in Node (the page's Content-Security-Policy rightly refuses injected scripts).
async function readQr(page, selector) {
  const { width, height, data } = await page.evaluate(async (selector) => {
    const svg = document.querySelector(selector);
    const text = new XMLSerializer().serializeToString(svg);
    const image = new Image();
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 440;
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, 440, 440);
    context.drawImage(image, 20, 20, 400, 400);
    const pixels = context.getImageData(0, 0, 440, 440);
    return { width: 440, height: 440, data: Array.from(pixels.data) };
  }, selector);
  return jsQR(Uint8ClampedArray.from(data), width, height)?.data ?? null;
}

test("a settled trade prints as a confirmation with the amount in capitals", async () => {
  const { context, page } = await loggedIn("developer");
  // The final one: the demo's other settled trade is still in its publicity (R16).
  const settled = (await myPurchases(page)).find((p) => p.status === "settled" && p.confirmation_no);
  await page.goto(`${server.url}/confirmations/${settled.id}`);
  await page.locator("#certificate").waitFor();
  assert.match(await page.locator("#cert-no").textContent(), /藤县〔\d{4}〕第0001号/);
  assert.equal(await page.locator("#cert-capital").textContent(), "人民币壹佰肆拾万元整");
  // The parties by their full names and codes, not by login.
  assert.match(await page.locator("#cert-seller").textContent(), /^藤县自然资源局（统一社会信用代码 11450422MB1A72530.）$/);
  assert.match(await page.locator("#cert-buyer").textContent(), /^梧州市富民置业有限公司（统一社会信用代码 91450400MA5KQ7T20.）$/);
  // The rule versions it was checked against, and which of them rest on an unconfirmed source.
  await page.locator("#cert-rules", { hasText: "依据未核实" }).waitFor();
  assert.match(await page.locator("#cert-rules").textContent(), /R6\.2 R7\.2 R8\.2.*其中 R5\.1、R6\.2、R7\.2、R8\.2、R15\.1、R16\.1 的依据未核实/s);
  // Its quota's serials: 5 亩 of project 450422-2021-0007, the first 2 亩 landed by the demo's use.
  const blocks = page.locator("#cert-serials tr");
  await blocks.nth(2).waitFor();
  assert.match(await blocks.nth(1).textContent(), /450422-2021-0007.*-000000001.*至 .*-000020000.*2\.0000.*已落地（梧政土批〔2026〕8号）/s);
  assert.match(await blocks.nth(2).textContent(), /-000020001.*至 .*-000050000.*3\.0000.*持有/s);
  // Its 核验码, and a QR code that reads as the address to verify it.
  const code = (await page.locator("#cert-code").textContent()).trim();
  assert.match(code, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  const scanned = await readQr(page, "#cert-verify .qr svg");
  assert.equal(scanned, `${server.url}/verify/${code}`);
  await screenshot(page, "confirmation-zh");
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("nav").isVisible(), false, "the print stylesheet hides the navigation");
  assert.equal(await page.locator("#cert-verify svg").isVisible(), true, "the QR code prints");
  await page.emulateMedia({ media: "screen" });
  // Each serial links to its public trace: the project, the trade and the use.
  const first = await blocks.nth(1).locator("a").textContent();
  await blocks.nth(1).locator("a").click();
  await page.locator("#trace-result").waitFor();
  assert.equal(await page.locator("#trace-serial").inputValue(), first);
  assert.match(await page.locator("#trace-project").textContent(), /藤县太平镇城乡建设用地增减挂钩项目.*450422-2021-0007.*2021-11-18 藤自然资验〔2021〕7号/s);
  assert.equal(await page.locator("#trace-confirmation").textContent(), settled.confirmation_no);
  assert.match(await page.locator("#trace-use").textContent(), /梧政土批〔2026〕8号/);
  // Its holding in 我的交易 links to the whole trade's blocks and their projects.
  await page.goto(`${server.url}/mine`);
  await page.locator("#holdings a.trace-link", { hasText: settled.confirmation_no }).click();
  await page.locator("#trace-blocks", { hasText: "450422-2021-0007" }).waitFor();
  await context.close();

  // A visitor, not logged in, traces a serial still held; a mistyped one is explained first.
  const visitor = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const anon = await visitor.newPage();
  await anon.goto(`${server.url}/`);
  await anon.locator("nav a", { hasText: "指标溯源" }).click();
  await anon.locator("#trace-serial").waitFor();
  await anon.fill("#trace-serial", "450422-2021-7-1");
  assert.match(await anon.locator("#trace-check").textContent(), /450422-2026-0007-000000001/);
  assert.equal(await anon.locator("#trace-submit").isDisabled(), true);
  await anon.fill("#trace-serial", first.replace(/000000001$/, "000040000"));
  await anon.click("#trace-submit");
  await anon.locator("#trace-result").waitFor();
  assert.match(await anon.locator("#trace-use").textContent(), /尚未落地/);
  assert.ok(!(await anon.content()).includes("developer"), "no buyer's login on the public trace");
  await screenshot(anon, "trace-zh");
  // The confirmation's number traces the whole trade: its blocks, each linked to its serial.
  await anon.goto(`${server.url}/trace`);
  await anon.fill("#trace-serial", settled.confirmation_no);
  await anon.click("#trace-submit");
  await anon.locator("#trace-blocks").waitFor();
  assert.equal(await anon.locator("#trace-confirmation").textContent(), settled.confirmation_no);
  const rows = anon.locator("#trace-blocks tbody tr");
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(0).textContent(), /藤县太平镇城乡建设用地增减挂钩项目.*450422-2021-0007.*000000001.*2\.0000.*梧政土批〔2026〕8号/s);
  assert.match(await rows.nth(1).textContent(), /3\.0000.*未落地/s);
  await screenshot(anon, "trace-trade-zh");
  await rows.nth(1).locator("a").click();
  await anon.locator("#trace-use", { hasText: "尚未落地" }).waitFor();
  // The visitor scans the confirmation's QR code: the platform's record of it, audit intact.
  await anon.goto(scanned);
  await anon.locator("#verify-result").waitFor();
  assert.match(await anon.locator("#verify-status").textContent(), /审计记录完好/);
  assert.equal(await anon.locator("#verify-no").textContent(), settled.confirmation_no);
  assert.equal(await anon.locator("#verify-capital").textContent(), "人民币壹佰肆拾万元整");
  assert.match(await anon.locator("#verify-seller").textContent(), /^藤县自然资源局（11450422MB1A72530.）$/);
  assert.match(await anon.locator("#verify-buyer").textContent(), /^梧州市富民置业有限公司（91450400MA5KQ7T20.）$/);
  assert.ok(!(await anon.content()).includes("0774-3823366"), "no contact data on the public page");
  assert.match(await anon.locator("#verify-serials").textContent(), /450422-2021-0007/);
  await screenshot(anon, "verify-zh");
  // A code typed by hand, in lower case with spaces, finds the same; a wrong one is refused.
  await anon.goto(`${server.url}/verify`);
  await anon.fill("#verify-code", code.toLowerCase().replaceAll("-", " "));
  await anon.click("#verify-submit");
  await anon.locator("#verify-no", { hasText: settled.confirmation_no }).waitFor();
  await anon.fill("#verify-code", "0000-0000-0000");
  await anon.click("#verify-submit");
  await anon.locator(".error, [role=alert]", { hasText: "未找到" }).first().waitFor();
  await visitor.close();
});

test("the home page lists open listings, lots with a countdown and recent results", async () => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(server.url);
  await page.locator('#open-listings tr[data-listing="1"]').waitFor();
  assert.match(await page.locator('#lots tr[data-listing="4"]').textContent(), /忻城县.*17\.5335.*\d+天/);
  assert.match(await page.locator("#results").textContent(), /成交公示：藤县 5\.0000 亩/);
  await page.close();
});

test("the winner of a lot lands part of its award on a named project from 我的交易", async () => {
  const { context, page } = await loggedIn("changzhou");
  await page.goto(`${server.url}/mine`);
  await page.locator("#use-form").waitFor();
  const award = (await myPurchases(page)).find((p) => p.kind === "award" && p.status === "settled");
  await page.selectOption("#use-purchase", String(award.id));
  // An award names its project: the form asks for it, and refuses to send without a name.
  await page.locator("#use-project").waitFor();
  await page.fill("#use-approval", "长政土批〔2026〕9号");
  await page.fill("#use-area", "2.5");
  assert.equal(await page.locator("#use-submit").isDisabled(), true);
  await page.fill("#use-project", "长洲区滨江商住小区");
  await page.selectOption("#use-use", "residential");
  await page.selectOption("#use-county", "450405");
  await page.click("#use-submit");
  await page.locator("#use-notice", { hasText: "长政土批〔2026〕9号" }).waitFor();
  await page.locator("#holdings td", { hasText: "长洲区滨江商住小区" }).waitFor();
  const holdings = await page.evaluate(async () => (await (await fetch("/api/v1/holdings")).json()).holdings);
  const landed = holdings.find((h) => h.purchase_id === award.id).uses.at(-1);
  assert.deepEqual(landed.project, { name: "长洲区滨江商住小区", use: "residential", county_code: "450405" });
  assert.equal(landed.area_mu, "2.5000");
  await screenshot(page, "mine-use-zh");
  await context.close();
});
