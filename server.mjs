// Production HTTP server: Express in front of the React Router build.
// Express gives the real client address (behind TRUST_PROXY hops) to the app,
// refuses oversized bodies before they are read, and serves fingerprinted assets.
import { createRequestHandler } from "@react-router/express";
import compression from "compression";
import express from "express";

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "0.0.0.0";
const maxBodyBytes = Number(process.env.MAX_BODY_BYTES ?? 10 * 1024 * 1024);
// Credit-signal uploads are large by nature; only their two endpoints get the larger limit
// (the app checks the file's own size again against IMPORT_MAX_MB).
const maxImportBytes = (Number(process.env.IMPORT_MAX_MB ?? 128) + 1) * 1024 * 1024;
const importPaths = new Set(["/app/signal-imports", "/api/v1/credit-signal-batches"]);
const build = await import("./build/server/index.js");

const app = express();
app.disable("x-powered-by");
app.set("trust proxy", Number(process.env.TRUST_PROXY ?? 0));
app.use(compression());
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h", index: false }));
app.use((req, res, next) => {
  const length = Number(req.headers["content-length"] ?? 0);
  if (length > (importPaths.has(req.path) ? maxImportBytes : maxBodyBytes)) {
    res.status(413).type("text/plain; charset=utf-8").send("请求内容过大 / Request body too large");
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
