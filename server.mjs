// Production HTTP server: Express in front of the React Router build.
// Express gives the real client address (behind TRUST_PROXY hops) to the app,
// refuses oversized bodies before they are read, serves fingerprinted assets,
// and makes sure every response carries the security headers.
import { createRequestHandler } from "@react-router/express";
import compression from "compression";
import express from "express";
import onHeaders from "on-headers";
import SECURITY_HEADERS from "./app/web/security-headers.json" with { type: "json" };

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const maxBodyBytes = Number(process.env.MAX_BODY_BYTES ?? 10 * 1024 * 1024);
// Credit-signal uploads are large by nature; only their two endpoints get the larger limit
// (the app checks the file's own size again against IMPORT_MAX_MB).
const maxImportBytes = (Number(process.env.IMPORT_MAX_MB ?? 128) + 1) * 1024 * 1024;
const importPaths = new Set(["/app/signal-imports", "/api/v1/credit-signal-batches"]);
const build = await import("./build/server/index.js");
// HSTS only where the deployment says it is served over HTTPS (Secure cookies).
const secureTransport = (process.env.COOKIE_SECURE ?? "true") !== "false";

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", Number(process.env.TRUST_PROXY ?? 0));
// Just before the headers go out: what a response lacks of the baseline is added, so a
// header the app set itself (a page's nonce policy) is neither replaced nor sent twice.
app.use((req, res, next) => {
  onHeaders(res, function addSecurityHeaders() {
    for (const [name, value] of Object.entries(SECURITY_HEADERS.baseline)) {
      if (!this.hasHeader(name)) this.setHeader(name, value);
    }
    if (!this.hasHeader("Content-Security-Policy")) this.setHeader("Content-Security-Policy", SECURITY_HEADERS.resourcePolicy);
    if (secureTransport && !this.hasHeader("Strict-Transport-Security")) {
      this.setHeader("Strict-Transport-Security", SECURITY_HEADERS.strictTransportSecurity);
    }
  });
  next();
});
app.use(compression());
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h", index: false }));
/** A refusal in the shape its caller reads: the API's JSON error, or a line in both languages. */
function refuse(req, res, status, code, zh, en) {
  if (req.path.startsWith("/api/")) {
    const english = /^\s*en\b/i.test(req.headers["accept-language"] ?? "");
    res.status(status).set("Cache-Control", "no-store").json({ error: { code, message: english ? en : zh } });
  } else {
    res.status(status).type("text/plain; charset=utf-8").send(`${zh} / ${en}`);
  }
}
app.use((req, res, next) => {
  const declared = req.headers["content-length"];
  // A page's form of unknown length (chunked) could not be bounded before the app reads it whole;
  // browsers always declare the length. The API bounds what it streams itself.
  if (declared === undefined && req.headers["transfer-encoding"] && !req.path.startsWith("/api/")) {
    refuse(req, res, 411, "lengthRequired", "请求须声明内容长度", "Content-Length is required");
    return;
  }
  const limit = importPaths.has(req.path) ? maxImportBytes : maxBodyBytes;
  if (Number(declared ?? 0) > limit) {
    const mb = Math.floor(limit / (1024 * 1024));
    refuse(req, res, 413, "payloadTooLarge", `请求内容过大（上限 ${mb} MB）`, `Request body too large (limit ${mb} MB)`);
    return;
  }
  // The app trusts only the address set here, never one a client sends.
  req.headers["x-xyd-client-ip"] = req.ip ?? "unknown";
  next();
});
app.all("*", createRequestHandler({ build }));

const server = app.listen(port, host, () => {
  console.log(JSON.stringify({ at: new Date().toISOString(), service: "web", message: "listening", port, host }));
});
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
