import { existsSync } from "node:fs";

/**
 * The browser the end-to-end tests drive: CHROMIUM_PATH when set, else
 * Debian's headless shell (`chromium-headless-shell`, the same engine without
 * the desktop browser's compositor — a quarter less CPU per test on two cores),
 * else Debian's full Chromium.
 */
export function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium"].find((path) => existsSync(path)) ?? "/usr/bin/chromium-headless-shell";
}
