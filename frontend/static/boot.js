// Starts the web app: loads the WASM built from frontend/ (a file, not an inline script, so the
// Content-Security-Policy can forbid inline scripts).
import init from "/frontend.js";
init({ module_or_path: "/frontend_bg.wasm" });
