// The staff consoles in headless Chromium against the real server (fresh SQLite with demo
// data): a county bureau, finance, and the administrator.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startServer, launchBrowser, screenshot, screenshotDir } from "./harness.mjs";

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
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill("#username", username);
  await page.fill("#password", "demo-2026");
  await page.click("#login-form button[type=submit]");
  await page.locator("#who").waitFor();
  return { context, page };
}

test("a bureau sees R1 refuse a base price below the floor, sets a valid one, lists, and confirms a payment", async () => {
  // A buyer reserves 3 亩 of 藤县 quota first.
  const buyer = await loggedIn("developer");
  const bought = await buyer.page.evaluate(async () => {
    const r = await fetch("/api/v1/purchases", {
      method: "POST",
      headers: { "content-type": "application/json", "Idempotency-Key": "staff-test-1" },
      body: JSON.stringify({ listing_id: 1, area_mu: "3", project: { name: "岑溪工业园", use: "industrial", county_code: "450481" } }),
    });
    return r.status;
  });
  assert.equal(bought, 201);
  await buyer.context.close();

  const { context, page } = await loggedIn("tengxian");
  await page.goto(`${server.url}/bureau`);
  await page.locator("#base-price").waitFor();
  await page.fill("#base-price", "249999.99");
  assert.match(await page.locator("#base-check").textContent(), /R1：县级基准指导价 249,999.99 元\/亩 低于自治区最低价 250,000.00 元\/亩/);
  assert.equal(await page.locator("#base-submit").isDisabled(), true);
  await page.fill("#base-price", "300000");
  await page.click("#base-submit");
  await page.locator("#current-base", { hasText: "300,000.00 元/亩" }).waitFor();

  // A county listing draws on the county's accepted project 450422-2021-0007 (24 亩 of
  // surplus, 20 listed by the demo: 4 left). More than is left, and a price below the new
  // base price (R2), are refused before submitting.
  const pick = async (row, number) => {
    const select = page.locator(".source-row select").nth(row);
    const value = await select.evaluate((s, n) => [...s.options].find((o) => o.text.includes(n))?.value, number);
    assert.ok(value, `project ${number} is offered`);
    await select.selectOption(value);
  };
  await pick(0, "450422-2021-0007");
  await page.locator(".source-area").first().fill("5");
  await page.fill("#new-price", "300000");
  assert.match(await page.locator("#listing-check").textContent(), /只剩 4\.0000 亩/);
  await page.locator(".source-area").first().fill("3");
  // 3 of 32 亩 reclaimed carry 3/32 of its 26 亩 of farmland, computed, not typed.
  assert.equal((await page.locator("#preview-farmland").textContent()).trim(), "2.4375");
  await page.fill("#new-price", "299999");
  assert.match(await page.locator("#listing-check").textContent(), /R2/);
  await page.fill("#new-price", "300000");
  await page.click("#listing-submit");
  const created = await page.locator("#bureau-notice", { hasText: "已发布" }).textContent();
  const listingId = created.match(/#(\d+)/)[1];
  await page.locator(`#own-listings tbody tr[data-listing='${listingId}']`, { hasText: "藤县太平镇城乡建设用地增减挂钩项目" }).waitFor();
  // The project now has 1 亩 left.
  await page.locator("#projects tr", { hasText: "450422-2021-0007" }).locator("td.stock", { hasText: "23.0000 / 1.0000" }).waitFor();

  // A regional lot closing tomorrow (Beijing time) from two projects: the last 1 亩 of the
  // accepted one, and 0.5 亩 drawn in advance (预支) on 古龙镇's project, not yet accepted.
  const tomorrow = new Date(Date.now() + 8 * 3600e3 + 86400e3).toISOString().slice(0, 16).replace("T", " ");
  await page.selectOption("#new-channel", "regional");
  await pick(0, "450422-2021-0007");
  await page.locator(".source-area").first().fill("1");
  await page.click("#add-source");
  await pick(1, "450422-2025-0003");
  await page.locator(".source-area").nth(1).fill("0.5");
  await page.fill("#new-price", "250000");
  await page.fill("#new-closes", tomorrow);
  assert.match(await page.locator("#listing-check").textContent(), /尚未验收：请勾选“预支指标”/);
  await page.check("#new-advance");
  assert.equal((await page.locator("#preview-area").textContent()).trim(), "1.5000");
  await screenshot(page, "bureau-new-listing-zh");
  await page.click("#listing-submit");
  await page.waitForFunction((before) => document.querySelector("#bureau-notice")?.textContent !== before, created);
  const lot = (await page.locator("#bureau-notice", { hasText: "已发布" }).textContent()).match(/#(\d+)/)[1];
  assert.notEqual(lot, listingId);
  const lotRow = page.locator(`#own-listings tbody tr[data-listing='${lot}']`);
  await lotRow.waitFor();
  assert.match(await lotRow.textContent(), /竞价中/);
  assert.match(await lotRow.textContent(), /预支/);
  // Nothing of either project is left: the form says so instead of offering them.
  await page.locator("#no-stock").waitFor();

  // Confirm the buyer's payment: the trade is published (R16); its number comes when the
  // publicity ends with no objection open.
  const row = page.locator("#incoming tbody tr").first();
  await row.locator("input.bank-ref").fill("ICBC-20261130-7");
  await row.locator("button.settle").click();
  await page.locator("#bureau-notice", { hasText: /已确认收款，成交公示至 \d{4}-\d{2}-\d{2} \d{2}:\d{2}；公示期满且无异议后编号/ }).waitFor();
  await screenshot(page, "bureau-zh");
  await context.close();
});

test("finance allocates and disburses within the limits, the chart and table change, and the XLSX downloads", async () => {
  const { context, page } = await loggedIn("finance");
  await page.goto(`${server.url}/finance`);
  await page.locator('#proceeds tr[data-code="450422"]').waitFor();
  assert.ok((await page.locator("#proceeds-chart rect").count()) > 0, "the chart is drawn");
  const allocatedBefore = await page.locator("#total-allocated").textContent();
  await page.selectOption("#alloc-county", "450422");
  await page.selectOption("#alloc-use", "巩固拓展脱贫攻坚成果");
  await page.fill("#alloc-amount", "99999999");
  const unallocated = (await page.locator('#proceeds tr[data-code="450422"] td').nth(5).textContent()).trim();
  assert.equal(await page.locator("#alloc-check").textContent(), `最多 ${unallocated} 元`);
  assert.equal(await page.locator("#alloc-submit").isDisabled(), true);
  await page.fill("#alloc-amount", "200000");
  await page.click("#alloc-submit");
  await page.waitForFunction((before) => document.querySelector("#total-allocated").textContent !== before, allocatedBefore);
  // The new allocation's row (the list reloads after the totals).
  const newRow = page.locator("#allocations tbody tr", { hasText: "巩固拓展脱贫攻坚成果" });
  await newRow.waitFor();
  const allocation = await newRow.getAttribute("data-allocation");
  await page.selectOption("#disb-allocation", allocation);
  await page.fill("#disb-amount", "200000.01");
  assert.match(await page.locator("#disb-check").textContent(), /最多 200,000.00 元/);
  await page.fill("#disb-amount", "150000");
  await page.fill("#disb-voucher", "藤财拨〔2026〕16号");
  await page.fill("#disb-bank", "BOC-88");
  const disbursedBefore = await page.locator("#total-disbursed").textContent();
  await page.click("#disb-submit");
  await page.waitForFunction((before) => document.querySelector("#total-disbursed").textContent !== before, disbursedBefore);
  const teng = await page.locator('#proceeds tr[data-code="450422"]').textContent();
  assert.match(teng, /1,000,000.00.*450,000.00/, "藤县 allocated 1,000,000.00 and disbursed 450,000.00");
  await page.click('#proceeds tr[data-code="450422"]');
  await page.locator("#drill", { hasText: /藤县〔\d{4}〕第0001号/ }).waitFor();
  await screenshot(page, "finance-zh");

  // The download is the year's proceeds as an XLSX workbook (a zip container); its cells are
  // checked by the Rust export tests, which read it back with a spreadsheet reader.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#dl-proceeds-xlsx")]);
  assert.match(download.suggestedFilename(), /^proceeds-\d{4}\.xlsx$/);
  const file = readFileSync(await download.path());
  assert.ok(file.length > 1000, `a workbook, ${file.length} bytes`);
  assert.equal(file.subarray(0, 2).toString("latin1"), "PK", "an XLSX (zip) file");
  await context.close();
});

test("an administrator adds a floor version and the home page shows it", async () => {
  const { context, page } = await loggedIn("admin");
  await page.goto(`${server.url}/admin`);
  await page.locator("#audit-status", { hasText: "完整" }).waitFor();
  await page.fill("#floor-price", "260000");
  await page.fill("#floor-date", "2027-01-01");
  await page.click("#floor-submit");
  await page.locator("#admin-floors tr", { hasText: "2027-01-01" }).waitFor();
  await page.fill("#audit-object", "floor:2027-01-01");
  await page.click("#audit-form button");
  await page.locator("#audit-history li", { hasText: "新增最低价版本" }).waitFor();
  assert.equal(await page.locator("#rules tbody").count(), 16, "R1–R16");
  await screenshot(page, "admin-zh");
  await page.goto(server.url);
  await page.locator("#floor-prices tr", { hasText: "2027-01-01" }).waitFor();
  assert.match(await page.locator("#floor-prices tr", { hasText: "2027-01-01" }).textContent(), /260,000.00/);
  await context.close();
});

test("an administrator confirms that R6 continues after the transition period and ends a version", async () => {
  const { context, page } = await loggedIn("admin");
  await page.goto(`${server.url}/admin`);
  const r6 = page.locator('#rules tbody[data-rule="R6"]');
  await r6.locator('tr[data-version="R6.2"]').waitFor();
  // After 2025-12-31 R6 is version 2, in force today and unconfirmed.
  assert.match(await r6.locator('tr[data-version="R6.2"]').textContent(), /2026-01-01.*今日生效|今日生效.*2026-01-01/s);
  assert.match(await r6.locator('tr[data-version="R6.2"]').textContent(), /未核实/);
  await r6.locator('tr[data-version="R6.2"] .confirm-version').click();
  // The form starts from R6.2's list of units, from tomorrow: today's checks stay as they were.
  const tomorrow = await page.evaluate(() => {
    const d = new Date(Date.now() + 8 * 3600e3 + 24 * 3600e3);
    return d.toISOString().slice(0, 10);
  });
  assert.equal(await page.inputValue("#version-rule"), "R6");
  assert.equal(await page.inputValue("#version-from"), tomorrow);
  assert.equal(await page.locator("#version-units input:checked").count(), 4);
  assert.equal(await page.locator("#version-submit").isDisabled(), true, "a source is required");
  await page.fill("#version-citation", "梧州市人民政府办公室关于延续执行的通知（梧政办函〔2026〕12号）");
  await page.click("#version-submit");
  await page.locator("#rules-notice", { hasText: "R6.3" }).waitFor();
  const r63 = r6.locator('tr[data-version="R6.3"]');
  await r63.waitFor();
  assert.match(await r63.textContent(), new RegExp(`${tomorrow} —`));
  assert.doesNotMatch(await r63.textContent(), /未核实/);
  // R6.2 stays in force today and ends today.
  assert.match(await r6.locator('tr[data-version="R6.2"]').textContent(), /今日生效/);
  // A day in the past is refused with the reason; a later day ends R8.2. Rules that are
  // replaced rather than ended (R15, a parameter) offer no 终止.
  assert.equal(await page.locator('#rules tbody[data-rule="R15"] .end-version').count(), 0);
  const r82 = page.locator('#rules tbody[data-rule="R8"] tr[data-version="R8.2"]');
  await page.fill("#end-at", "2020-01-01");
  await r82.locator(".end-version").click();
  await page.locator("#rules-error", { hasText: "规则版本不改写" }).waitFor();
  await page.fill("#end-at", "2099-12-31");
  await r82.locator(".end-version").click();
  await page.locator("#rules-notice", { hasText: "R8.2" }).waitFor();
  await page.locator('#rules tbody[data-rule="R8"] tr[data-version="R8.2"]', { hasText: "2099-12-31" }).waitFor();
  await screenshot(page, "admin-rules-zh");
  await page.locator("#rule-versions").screenshot({ path: "../../target/screenshots/admin-rules-card-zh.png" });
  await context.close();
});

test("an administrator creates a bureau account, and that bureau records a use on a project in its county", async () => {
  const admin = await loggedIn("admin");
  await admin.page.goto(`${server.url}/admin`);
  await admin.page.locator("#users tr").first().waitFor();
  await admin.page.fill("#new-username", "cenxi");
  await admin.page.fill("#new-password", "demo-2026");
  await admin.page.selectOption("#new-role", "county_bureau");
  await admin.page.fill("#new-county", "450481");
  await admin.page.click("#user-submit");
  await admin.page.locator('#users tr[data-user="cenxi"]').waitFor();
  await admin.context.close();

  const { context, page } = await loggedIn("cenxi");
  await page.goto(`${server.url}/bureau`);
  // The developer's settled 藤县 quota is for a 岑溪 project: 5 亩, 2 used in the demo.
  const holding = page.locator("#county-holdings tbody tr").first();
  await holding.waitFor();
  assert.match(await holding.textContent(), /藤县〔\d{4}〕第0001号.*developer.*5\.0000.*2\.0000.*3\.0000/);
  const purchase = await holding.getAttribute("data-purchase");
  await page.selectOption("#use-purchase", purchase);
  await page.fill("#use-approval", "岑政土批〔2026〕3号");
  await page.fill("#use-area", "3.0001");
  assert.equal(await page.locator("#use-check").textContent(), "最多 3.0000 亩");
  await page.fill("#use-area", "1");
  await page.click("#use-submit");
  await page.locator("#bureau-notice", { hasText: "岑政土批〔2026〕3号" }).waitFor();
  await page.locator("#county-holdings tbody tr", { hasText: /3\.0000\s*2\.0000$/ }).waitFor();
  await context.close();
});

test("finance changes its password: mistakes are explained, other sessions end, the new one logs in", async () => {
  const other = await loggedIn("finance");
  const { context, page } = await loggedIn("finance");
  await page.click("#who");
  await page.locator("#password-form").waitFor();
  assert.match(await page.locator("#account-who").textContent(), /finance（财政）/);

  await page.fill("#current-password", "demo-2026");
  await page.fill("#new-password", "finance-2027");
  await page.fill("#new-password-again", "finance-2028");
  await page.click("#password-form button[type=submit]");
  await page.locator("#password-status", { hasText: "两次输入的新密码不一致" }).waitFor();

  await page.fill("#current-password", "not-my-password");
  await page.fill("#new-password-again", "finance-2027");
  await page.click("#password-form button[type=submit]");
  await page.locator("#password-status", { hasText: "当前密码不对" }).waitFor();

  await page.fill("#current-password", "demo-2026");
  await page.fill("#new-password", "finance-2027");
  await page.fill("#new-password-again", "finance-2027");
  await page.click("#password-form button[type=submit]");
  await page.locator("#password-status", { hasText: "密码已修改" }).waitFor();
  assert.equal(await page.inputValue("#current-password"), "", "the fields are cleared");
  await screenshot(page, "account-zh");

  // This session stays; the other device is sent to the login page.
  await page.goto(`${server.url}/finance`);
  await page.locator("#who").waitFor();
  await other.page.goto(`${server.url}/finance`);
  await other.page.waitForURL(/\/login/);
  await other.page.fill("#username", "finance");
  await other.page.fill("#password", "finance-2027");
  await other.page.click("#login-form button[type=submit]");
  await other.page.locator("#who").waitFor();
  await other.context.close();
  await context.close();
});

test("a bureau with more listings than one page of the API sees every one of them", async () => {
  const { context, page } = await loggedIn("tengxian");
  await page.goto(`${server.url}/bureau`);
  await page.locator("#own-listings").waitFor();
  // 105 more listings: with what the county had, more than one page of 100. They draw on a
  // project registered and accepted for them.
  const created = await page.evaluate(async () => {
    const send = async (path, body) => (await fetch(path, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body),
    })).json();
    const figures = { reclaimed_mu: "200", farmland_mu: "0", paddy_mu: "0", grain_capacity_kg: 0, local_use_mu: "0" };
    const { project } = await send("/api/v1/projects", {
      name: "分页测试复垦项目", registration_no: "450422-2026-0999", township: "太平镇", village: "", ...figures,
    });
    await send(`/api/v1/projects/${project.id}/accept`, { accepted_on: "2026-01-05", acceptance_doc: "分页〔2026〕1号", ...figures });
    let ok = 0;
    for (let n = 0; n < 105; n++) {
      const r = await fetch("/api/v1/listings", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ channel: "county", sources: [{ project_id: project.id, area_mu: "1" }], price_per_mu: "900000" }),
      });
      if (r.status === 201) ok++;
    }
    return ok;
  });
  assert.equal(created, 105);
  const total = await page.evaluate(async () => {
    const body = await (await fetch("/api/v1/listings?county=450422&limit=500")).json();
    return body.next_cursor === null ? body.listings.length : -1;
  });
  assert.ok(total > 100, `${total} listings`);
  await page.reload();
  await page.locator("#own-listings tbody tr").nth(total - 1).waitFor();
  assert.equal(await page.locator("#own-listings tbody tr").count(), total);
  // The oldest (demo) listing is there too, after the new ones.
  assert.equal(await page.locator("#own-listings tbody tr[data-listing='1']").count(), 1);
  await context.close();
});

test("an administrator resets a password and its owner must choose a new one before anything else", async () => {
  const admin = await loggedIn("admin");
  await admin.page.goto(`${server.url}/admin`);
  await admin.page.locator("#users tr[data-user='developer']").waitFor();
  await admin.page.selectOption("#reset-user", "developer");
  await admin.page.fill("#reset-password", "short");
  assert.equal(await admin.page.locator("#reset-submit").isDisabled(), true, "8 characters at least");
  await admin.page.fill("#reset-password", "temporary-2026");
  await admin.page.click("#reset-submit");
  await admin.page.locator("#reset-status", { hasText: "developer" }).waitFor();
  await admin.page.locator("#users tr[data-user='developer'] .must-change").waitFor();
  await screenshot(admin.page, "admin-reset-zh");
  await admin.context.close();

  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/login`);
  await page.fill("#username", "developer");
  await page.fill("#password", "demo-2026");
  await page.click("#login-form button[type=submit]");
  await page.locator(".error", { hasText: "用户名或密码错误" }).waitFor();
  await page.fill("#password", "temporary-2026");
  await page.click("#login-form button[type=submit]");
  await page.waitForURL(/\/account$/);
  await page.locator("#must-change", { hasText: "管理员已重置您的密码" }).waitFor();
  await screenshot(page, "account-must-change-zh");
  // Any other page sends it back here until the password is changed.
  await page.goto(`${server.url}/mine`);
  await page.waitForURL(/\/account$/);
  await page.fill("#current-password", "temporary-2026");
  await page.fill("#new-password", "developer-2027");
  await page.fill("#new-password-again", "developer-2027");
  await page.click("#password-form button[type=submit]");
  await page.locator("#password-status", { hasText: "密码已修改" }).waitFor();
  assert.equal(await page.locator("#must-change").count(), 0);
  await page.goto(`${server.url}/mine`);
  await page.locator("#my-purchases").waitFor();
  assert.match(page.url(), /\/mine$/);
  await context.close();
});

test("the public pages never download the staff consoles; the bureau's own link loads them", async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await context.newPage();
  const fetched = [];
  page.on("response", (r) => fetched.push({ url: r.url(), headers: r.headers() }));
  await page.goto(`${server.url}/login`);
  await page.fill("#username", "tengxian");
  await page.fill("#password", "demo-2026");
  await page.click("#login-form button[type=submit]");
  await page.locator("#who").waitFor();
  const wasm = (name) => fetched.filter((f) => new RegExp(`/${name}_bg\\.[0-9a-f]{16}\\.wasm$`).test(f.url));
  assert.equal(wasm("staff").length, 0, "the login and home pages load no staff code");
  const [publicWasm] = wasm("frontend");
  assert.ok(publicWasm, "the public bundle was loaded");
  // Sent precompressed, under a content-hashed name cached for a year.
  assert.match(publicWasm.headers["content-encoding"] ?? "", /^(br|gzip)$/);
  assert.match(publicWasm.headers["cache-control"], /immutable/);
  assert.equal(publicWasm.headers["vary"], "accept-encoding");

  // The navigation link (inside the app) brings the console, from the staff bundle.
  await page.click('nav a[href="/bureau"]');
  await page.locator("#base-price").waitFor();
  assert.equal(wasm("staff").length, 1, "the staff bundle was loaded once");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.bootPath), "/bureau");
  // From the console, a public page still works (the staff bundle has every page).
  await page.click('nav a[href="/market"]');
  await page.locator("h2", { hasText: "挂牌" }).first().waitFor();
  await context.close();
});

test("the supervisor (监督) reads every county's proceeds and downloads, with nothing to change", async () => {
  const { context, page } = await loggedIn("jijian");
  assert.match(await page.locator("#who").textContent(), /监督/);
  await page.click('nav a[href="/finance"]');
  await page.locator("#read-only").waitFor();
  await page.locator("#proceeds tr[data-code]").first().waitFor();
  assert.ok((await page.locator("#proceeds tr[data-code]").count()) >= 2, "more than one county");
  assert.equal(await page.locator("#allocate-form").count(), 0);
  assert.equal(await page.locator("#disburse-form").count(), 0);
  assert.ok(await page.locator("#dl-trades-xlsx").isVisible());
  // The server refuses a write even when sent by hand from the page.
  const answer = await page.evaluate(async () => {
    const r = await fetch("/api/v1/allocations", {
      method: "POST", headers: { "content-type": "application/json" },
      body: JSON.stringify({ county_code: "450422", use: "乡村振兴项目建设", amount_yuan: "1.00" }),
    });
    return { status: r.status, body: await r.json() };
  });
  assert.equal(answer.status, 403);
  assert.match(answer.body.error.message_zh, /监督账号只读/);
  await screenshot(page, "finance-supervisor-zh");
  await context.close();
});

test("a visitor objects to a trade in its publicity, and the bureau dismisses the objection", async () => {
  // The visitor, not logged in: the demo's second 藤县 trade is published with one objection.
  const visitor = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const home = await visitor.newPage();
  await home.goto(server.url);
  const item = home.locator("#results li", { hasText: "藤县 2.0000 亩" });
  await item.waitFor();
  assert.match(await item.textContent(), /1 件异议待处理/);
  // The form is its own page, in the second bundle: the home page never carries it.
  await item.locator("a.object").click();
  await home.locator("#objection-form").waitFor();
  assert.match(await home.locator("h2").first().textContent(), /对成交公示的交易 #\d+ 提出异议/);
  await home.locator("#objection-submit").click();
  // The server's answer, in Chinese, names what is missing.
  await home.locator("#objection-form .notice.error", { hasText: "请填写异议人" }).waitFor();
  await home.fill("#objection-name", "=HYPERLINK(\"http://x\",\"梧州某置业有限公司\")");
  await home.fill("#objection-contact", "0774-5550000");
  await home.fill("#objection-reason", "公示面积与复垦验收面积不一致，请核实。");
  await screenshot(home, "objection-form-zh");
  await home.locator("#objection-submit").click();
  const done = home.locator("#objection-done");
  await done.waitFor();
  assert.match(await done.textContent(), /异议已受理（第 \d+ 号）。公示期至 \d{4}-\d{2}-\d{2}/);
  // The contact is never on a public page.
  await home.goto(server.url);
  await home.locator("#results li", { hasText: "藤县 2.0000 亩" }).filter({ hasText: "2 件异议待处理" }).waitFor();
  assert.doesNotMatch(await home.content(), /0774-5550000/);
  await visitor.close();

  // The seller county's bureau sees both, with contacts, and dismisses the visitor's.
  const { context, page } = await loggedIn("tengxian");
  await page.goto(`${server.url}/bureau`);
  const mine = page.locator("#objections tbody tr", { hasText: "0774-5550000" });
  await mine.waitFor();
  assert.match(await mine.textContent(), /=HYPERLINK.*梧州某置业有限公司.*待处理/);
  await mine.locator("button.dismiss").click();
  // A decision needs its reasons.
  await page.locator("#objection-problem", { hasText: "请填写处理意见" }).waitFor();
  await mine.locator("textarea.resolution").fill("经核实，公示面积与验收面积一致。");
  await mine.locator("button.dismiss").click();
  await page.waitForFunction(() => [...document.querySelectorAll("#objections tbody tr")]
    .some((tr) => tr.textContent.includes("0774-5550000") && tr.cells[4].textContent === "异议不成立"));
  assert.match(await mine.textContent(), /经核实，公示面积与验收面积一致。.*tengxian/);
  assert.equal(await page.locator("#objections tbody tr", { hasText: "待处理" }).count(), 1, "the demo's objection stays open");
  await screenshot(page, "bureau-objections-zh");
  await context.close();
});

test("a bureau registers a reclamation project, sees a mistake explained, and accepts it, which locks it", async () => {
  const { context, page } = await loggedIn("tengxian");
  await page.goto(`${server.url}/bureau`);
  await page.locator("#project-form").waitFor();
  await page.fill("#project-name", "藤县古龙镇拆旧复垦项目");
  await page.fill("#project-registration", "450422-2026-0007");
  await page.fill("#project-township", "古龙镇");
  await page.fill("#project-village", "古龙村");
  const form = page.locator("#project-form");
  await form.locator(".p-reclaimed").fill("30");
  await form.locator(".p-farmland").fill("31");
  await form.locator(".p-paddy").fill("10");
  await form.locator(".p-capacity").fill("12000");
  await form.locator(".p-local").fill("4.5");
  await page.click("#project-submit");
  // The server's refusal names the field and both figures.
  await page.locator("#project-problem", { hasText: "耕地面积" }).waitFor();
  await form.locator(".p-farmland").fill("25");
  await page.click("#project-submit");
  const row = page.locator("#projects tbody tr", { hasText: "450422-2026-0007" });
  await row.waitFor();
  assert.match(await row.textContent(), /藤县古龙镇拆旧复垦项目.*30\.0000.*25\.0000 \/ 10\.0000.*4\.5000.*25\.5000.*已备案/);
  // Corrected while registered: local use was 5 亩.
  await row.locator("button.edit").click();
  assert.equal(await page.locator("#project-registration").inputValue(), "450422-2026-0007");
  await form.locator(".p-local").fill("5");
  await page.click("#project-submit");
  await page.waitForFunction(() => /25\.0000\s*未上传\s*已备案/.test(document.querySelector("#projects tbody tr")?.textContent ?? ""));
  assert.match(await row.textContent(), /30\.0000.*25\.0000 \/ 10\.0000.*5\.0000.*25\.0000.*已备案/);
  // Accepted with the accepted figures (29.5 亩 reclaimed): the surplus follows, and it locks.
  await row.locator("button.accept").click();
  const acceptance = page.locator("#acceptance-form");
  await page.fill("#acceptance-doc", "藤自然资验〔2026〕7号");
  await acceptance.locator(".p-reclaimed").fill("29.5");
  await screenshot(page, "bureau-projects-zh");
  await page.click("#acceptance-submit");
  await row.filter({ hasText: "已验收" }).waitFor();
  assert.match(await row.textContent(), /29\.5000.*5\.0000.*24\.5000.*已验收.*藤自然资验〔2026〕7号/);
  assert.equal(await row.locator("button.accept").count(), 0, "an accepted project has nothing left to do");
  await context.close();
});

test("a bureau imports its projects from a spreadsheet: the preview names each mistake, the fixed file imports all", async () => {
  const { context, page } = await loggedIn("tengxian");
  await page.goto(`${server.url}/bureau`);
  await page.locator("#project-import").waitFor();
  const header = "项目名称,备案号,乡镇,村,复垦面积（亩）,新增耕地（亩）,其中水田（亩）,新增粮食产能（公斤）,本地使用（亩）,验收日期,验收文号";
  const file = (rows) => ({ name: "复垦项目.csv", mimeType: "text/csv", buffer: Buffer.from([header, ...rows].join("\n")) });
  await page.setInputFiles("#import-file", file([
    "藤县新庆镇拆旧复垦项目,450422-2026-0501,新庆镇,新庆村,12,10,4,6000,2,2026-02-01,藤自然资验〔2026〕5号",
    "藤县象棋镇拆旧复垦项目,450422-2026-0502,象棋镇,,8,9,0,3000,0,,",
  ]));
  await page.locator("#import-summary", { hasText: "1 行有误" }).waitFor();
  assert.match(await page.locator("#import-rows tr[data-row='3']").textContent(), /耕地.*9\.0000.*复垦面积.*8\.0000/s);
  assert.equal(await page.locator("#import-commit").isDisabled(), true);
  await screenshot(page, "bureau-import-zh");
  await page.setInputFiles("#import-file", file([
    "藤县新庆镇拆旧复垦项目,450422-2026-0501,新庆镇,新庆村,12,10,4,6000,2,2026-02-01,藤自然资验〔2026〕5号",
    "藤县象棋镇拆旧复垦项目,450422-2026-0502,象棋镇,,8,6,0,3000,0,,",
  ]));
  await page.locator("#import-summary", { hasText: "2 行无误，0 行有误" }).waitFor();
  await page.click("#import-commit");
  await page.locator("#import-done", { hasText: "已导入 2 个复垦项目" }).waitFor();
  // Both in the register: the first accepted, with 10 亩 of surplus to list.
  const accepted = page.locator("#projects tr", { hasText: "450422-2026-0501" });
  await accepted.waitFor();
  assert.match(await accepted.textContent(), /已验收.*藤自然资验〔2026〕5号/s);
  assert.match(await accepted.locator("td.stock").textContent(), /0\.0000 \/ 10\.0000/);
  await page.locator("#projects tr", { hasText: "450422-2026-0502" }).waitFor();
  // The template downloads.
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#template-xlsx")]);
  assert.equal(download.suggestedFilename(), "project-import-template.xlsx");
  await context.close();
});

test("a bureau sees a project's plots drawn, the one off its area flagged, and uploads boundaries that fit", async () => {
  const { context, page } = await loggedIn("tengxian");
  await page.goto(`${server.url}/bureau`);
  // The demo's 古龙 project (planned 10 亩) has plots of about 11.2 亩: flagged in the register.
  const row = page.locator("#projects tbody tr", { hasText: "450422-2025-0003" });
  await row.locator(".plots-flagged").waitFor();
  await row.locator("button.show").click();
  const detail = page.locator("#project-detail");
  await detail.locator("#plots-flag", { hasText: "相差超过 5%" }).waitFor();
  const plots = await detail.locator("#plots tbody tr").count();
  assert.ok(plots >= 2, `${plots} plots listed`);
  assert.equal(await detail.locator("#plot-map g.plot path").count(), plots, "each plot is drawn");
  // Its listings: the demo's advance (预支) draw.
  assert.match(await detail.locator("#draws").textContent(), /预支/);
  await screenshot(page, "bureau-plots-flagged-zh");
  // A file in projected metres (CGCS2000 3° zone) is refused by name, and changes nothing.
  const upload = (geojson) => page.setInputFiles("#plots-file", {
    name: "古龙村地块.geojson", mimeType: "application/geo+json", buffer: Buffer.from(JSON.stringify(geojson)),
  });
  await upload({ type: "Polygon", coordinates: [[[37500000, 2590000], [37500100, 2590000], [37500100, 2590100], [37500000, 2590000]]] });
  await detail.locator("#plots-problem", { hasText: "投影坐标" }).waitFor();
  assert.equal(await detail.locator("#plots tbody tr").count(), plots);
  // Two plots of 50 m × 66.7 m: 10 亩 together, within the tolerance.
  const rectangle = (lon, lat, east, north) => {
    const dlat = north / 110574, dlon = east / (111320 * Math.cos((lat * Math.PI) / 180));
    return [[[lon, lat], [lon + dlon, lat], [lon + dlon, lat + dlat], [lon, lat + dlat], [lon, lat]]];
  };
  await upload({
    type: "FeatureCollection",
    features: [
      { type: "Feature", properties: { name: "古龙村东地块" }, geometry: { type: "Polygon", coordinates: rectangle(110.662, 23.497, 50, 66.667) } },
      { type: "Feature", properties: { name: "古龙村西地块" }, geometry: { type: "Polygon", coordinates: rectangle(110.664, 23.4975, 50, 66.667) } },
    ],
  });
  await detail.locator("#plots-uploaded", { hasText: "已上传 2 个地块" }).waitFor();
  assert.match(await detail.locator("#plots-summary").textContent(), /地块合计 (9\.9|10\.0)\d* 亩.*相差在 5% 以内/);
  assert.match(await detail.locator("#plots").textContent(), /古龙村东地块.*古龙村西地块/);
  assert.equal(await detail.locator("#plot-map g.plot path").count(), 2);
  assert.match(await detail.locator("#draws").textContent(), /预支/, "the listings drawn on it are still shown");
  // The register reads the project again: no longer flagged.
  await page.waitForFunction(() => !document.querySelector("#projects tbody tr[data-project] .plots-flagged"));
  await screenshot(page, "bureau-plots-zh");
  await context.close();
});

test("a company registers itself with its documents, is refused a purchase while pending, is rejected with a reason, mends it, is approved, buys, and gets a second person", async () => {
  // A valid 统一社会信用代码 (GB 32100-2015 check character) for a 梧州 company.
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const first17 = "91450400MA5N0EXA3";
  const sum = [...first17].reduce((s, c, i) => s + alphabet.indexOf(c) * weights[i], 0);
  const code = first17 + alphabet[(31 - (sum % 31)) % 31];
  const wrong = first17 + alphabet[(alphabet.indexOf(code[17]) + 1) % 31];
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]);
  const day = (offset) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

  const visitor = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  const page = await visitor.newPage();
  await page.goto(`${server.url}/login`);
  await page.click("#register-link");
  await page.locator("#register-form").waitFor();
  await page.fill("#reg-name", "梧州市鸳江置业有限公司");
  await page.fill("#reg-uscc", wrong);
  await page.locator("#reg-uscc-check", { hasText: "校验位不符" }).waitFor();
  assert.equal(await page.locator("#reg-submit").isDisabled(), true);
  await page.fill("#reg-uscc", code.toLowerCase());
  await page.locator("#reg-uscc-check", { hasText: "校验通过" }).waitFor();
  await page.fill("#reg-legal", "陈建华");
  await page.fill("#reg-contact", "黄丽");
  await page.fill("#reg-phone", "0774-3826000");
  await page.fill("#reg-address", "梧州市长洲区新兴二路 1 号");
  // To bid on the regional platform (R11) it shows the government's authorisation.
  await page.check("#reg-regional");
  await page.fill("#reg-auth-number", "长政函〔2026〕8号");
  await page.fill("#reg-auth-from", day(-1));
  await page.fill("#reg-auth-until", day(365));
  await page.fill("#reg-username", "yuanjiang");
  await page.fill("#reg-password", "yuanjiang-2026");
  // Files are asked for, and one over 5 MB is refused before it is sent.
  await page.locator(".reg-file-check", { hasText: "请选择营业执照" }).waitFor();
  await page.setInputFiles("#reg-licence", { name: "执照.pdf", mimeType: "application/pdf", buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
  await page.locator(".reg-file-check", { hasText: "超过 5 MB" }).waitFor();
  assert.equal(await page.locator("#reg-submit").isDisabled(), true);
  await page.setInputFiles("#reg-licence", { name: "执照.pdf", mimeType: "application/pdf", buffer: pdf });
  await page.setInputFiles("#reg-authorisation", { name: "授权.png", mimeType: "image/png", buffer: png });
  await page.locator(".reg-file-check").first().waitFor({ state: "detached" });
  await screenshot(page, "register-zh");
  await page.click("#reg-submit");
  await page.locator("#registered", { hasText: "已提交注册和材料" }).waitFor();
  assert.match(await page.locator("#registered").textContent(), new RegExp(`梧州市鸳江置业有限公司（${code}）`));
  // Logged in as its first user: the review, both documents and the authorisation.
  await page.locator("#own-status", { hasText: "待审核" }).waitFor();
  assert.equal(await page.locator("#own-organisation ul.documents a", { hasText: "查看" }).count(), 2);
  assert.match(await page.locator("#own-authorisation").textContent(), /长政函〔2026〕8号/);
  await screenshot(page, "register-done-zh");
  const buy = (key) => page.evaluate(async (key) => {
    const r = await fetch("/api/v1/purchases", {
      method: "POST",
      headers: { "content-type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify({ listing_id: 1, area_mu: "1", project: { name: "鸳江花园", use: "industrial", county_code: "450481" } }),
    });
    return { status: r.status, body: await r.json() };
  }, key);
  const pending = await buy("reg-1");
  assert.equal(pending.status, 403);
  assert.equal(pending.body.error.code, "organisation_not_approved");

  // The administrator sees the documents, rejects it — a reason is required — …
  const { context, page: admin } = await loggedIn("admin");
  await admin.goto(`${server.url}/admin`);
  const row = admin.locator("#registrations tr", { hasText: "梧州市鸳江置业有限公司" });
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(`${code}.*企业.*陈建华 / 黄丽.*0774-3826000.*查看.*查看.*长政函〔2026〕8号.*待审核`, "s"));
  const licence = await admin.evaluate(async (href) => {
    const r = await fetch(href);
    return { status: r.status, type: r.headers.get("content-type"), size: (await r.arrayBuffer()).byteLength };
  }, await row.locator("li[data-document=licence] a").getAttribute("href"));
  assert.deepEqual(licence, { status: 200, type: "application/pdf", size: pdf.length });
  await row.locator("button.reject").click();
  await admin.locator("#registrations-problem", { hasText: "原因" }).waitFor();
  await row.locator("textarea.review-note").fill("单位全称与营业执照不符");
  await row.locator("button.reject").click();
  await row.locator(".badge.danger", { hasText: "未通过" }).waitFor();
  await admin.locator("#registrations-card").screenshot({ path: join(screenshotDir, "admin-registrations-zh.png") });
  const rejected = await buy("reg-2");
  assert.equal(rejected.status, 403);
  assert.match(rejected.body.error.message, /单位全称与营业执照不符/);
  // … the applicant reads the reason and mends the name: back in the queue.
  await page.reload();
  await page.locator("#own-note", { hasText: "单位全称与营业执照不符" }).waitFor();
  await screenshot(page, "register-rejected-zh");
  await page.click("#own-mend");
  await page.fill("#reg-name", "梧州市鸳江置业有限责任公司");
  await page.click("#reg-submit");
  await page.locator("#own-said", { hasText: "重新提交审核" }).waitFor();
  await page.locator("#own-status", { hasText: "待审核" }).waitFor();
  assert.equal(await page.locator("#own-organisation h2").textContent(), "梧州市鸳江置业有限责任公司");
  // Approved, it buys.
  await admin.reload();
  const mended = admin.locator("#registrations tr", { hasText: "梧州市鸳江置业有限责任公司" });
  await mended.locator("button.approve").click();
  await mended.waitFor({ state: "detached" });
  const approved = await buy("reg-3");
  assert.equal(approved.status, 201, JSON.stringify(approved.body));
  assert.equal(approved.body.purchase.buyer_organisation, "梧州市鸳江置业有限责任公司");
  // A second person of the company, added by the administrator.
  await admin.click("#approved-card summary");
  const approvedRow = admin.locator("#approved-organisations tr", { hasText: "梧州市鸳江置业有限责任公司" });
  await approvedRow.locator("button.add-member").click();
  await admin.fill("#member-username", "yuanjiang2");
  await admin.fill("#member-password", "yuanjiang2-2026");
  await admin.click("#member-form button[type=submit]");
  await admin.locator("#approved-said", { hasText: "yuanjiang2" }).waitFor();
  await approvedRow.locator("td.members", { hasText: "yuanjiang、yuanjiang2" }).waitFor();
  await admin.locator("#registrations-card").screenshot({ path: join(screenshotDir, "admin-approved-zh.png") });
  await context.close();
  await visitor.close();
});
