import { randomBytes } from "node:crypto";
import SECURITY_HEADERS from "./security-headers.json";

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/**
 * Security headers, listed once in security-headers.json. The baseline goes
 * on every response: server.mjs adds it (with the resource policy as the CSP
 * of anything that is not a page, and HSTS where cookies are Secure) to
 * whatever lacks it, static files and its own refusals included, so each
 * header is sent exactly once.
 *
 * Pages: scripts must be same-origin or carry the request's nonce (React
 * Router's inline hydration data). Ant Design injects <style> tags at run
 * time, hence 'unsafe-inline' for styles only.
 */
const cspFor = (nonce: string) =>
  [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");

export function applySecurityHeaders(headers: Headers, nonce: string): void {
  headers.set("Content-Security-Policy", cspFor(nonce));
  for (const [name, value] of Object.entries(SECURITY_HEADERS.baseline)) headers.set(name, value);
}
