// Starts the real quota-exchange binary on a free port with a fresh SQLite database (demo data
// loaded), and a headless Debian Chromium driven by playwright-core.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, "../..");
export const screenshotDir = join(root, "target", "screenshots");
const bin = process.env.QX_BIN ?? join(root, "target/release/quota-exchange");
const staticDir = process.env.QX_STATIC_DIR ?? join(root, "frontend/dist");

/** A server on a fresh database; `stop()` kills it and deletes the database. */
export async function startServer({ demo = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "qx-browser-"));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${join(dir, "qx.db")}`,
    QX_STATIC_DIR: staticDir,
    RUST_LOG: "warn",
  };
  if (demo) execFileSync(bin, ["demo"], { env, stdio: "ignore" });
  const child = spawn(bin, ["serve", "--addr", "127.0.0.1:0"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("server did not start in 30 s")), 30_000);
    let seen = "";
    child.stdout.on("data", (chunk) => {
      seen += chunk;
      const m = seen.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    child.on("exit", (code) => fail(new Error(`server exited with ${code}`)));
  });
  return {
    url,
    stop() { child.kill("SIGTERM"); rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Debian's Chromium, headless, with the flags this machine needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
}

export async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
