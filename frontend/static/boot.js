// Starts the web app: loads the WASM built from frontend/ (a file, not an inline script, so the
// Content-Security-Policy can forbid inline scripts). The staff consoles (county bureau,
// finance, administrator) are a second, larger bundle: only their addresses load it, so
// visitors and buyers never download it. The pages few visitors ever open are in that bundle
// too: the objection form (/objection/N, R16), the printed 成交确认书 (/confirmations/N) and the
// trace of a serial (/trace), the check of a confirmation by its code (/verify) and the
// registration of an organisation (/register). The names below are replaced by content-hashed ones
// when the app is built (scripts/lib.sh).
const staff = /^\/(bureau|finance|admin|objection|confirmations|trace|verify|register)(\/|$)/.test(location.pathname);
document.documentElement.setAttribute("data-boot-path", location.pathname);
const app = staff
  ? { js: "/staff.js", wasm: "/staff_bg.wasm" }
  : { js: "/frontend.js", wasm: "/frontend_bg.wasm" };
const { default: init } = await import(app.js);
await init({ module_or_path: app.wasm });
