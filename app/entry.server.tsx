import { PassThrough } from "node:stream";
import { createCache, extractStyle, StyleProvider } from "@ant-design/cssinjs";
import { createReadableStreamFromReadable } from "@react-router/node";
import { renderToPipeableStream } from "react-dom/server";
import { ServerRouter, type EntryContext, type RouterContextProvider } from "react-router";
import { nonceContext } from "~/web/context";
import { applySecurityHeaders } from "~/web/security.server";

export const streamTimeout = 10_000;

/**
 * Renders the whole document before sending it, so that Ant Design's CSS-in-JS
 * styles for exactly the components on the page can be put in <head>: the page
 * is styled before any script runs (no flash of unstyled content).
 */
export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  routerContext: EntryContext,
  loadContext: RouterContextProvider,
): Promise<Response> {
  const nonce = loadContext.get(nonceContext);
  return new Promise((resolve, reject) => {
    const cache = createCache();
    let statusCode = responseStatusCode;
    const { pipe, abort } = renderToPipeableStream(
      <StyleProvider cache={cache} hashPriority="high">
        <ServerRouter context={routerContext} url={request.url} nonce={nonce} />
      </StyleProvider>,
      {
        onAllReady() {
          const chunks: Buffer[] = [];
          const sink = new PassThrough();
          sink.on("data", (chunk: Buffer) => chunks.push(chunk));
          sink.on("end", () => {
            const html = Buffer.concat(chunks).toString("utf8");
            const styles = extractStyle(cache);
            const body = new PassThrough();
            body.end(html.replace("</head>", `${styles}</head>`));
            responseHeaders.set("Content-Type", "text/html; charset=utf-8");
            applySecurityHeaders(responseHeaders, nonce);
            resolve(
              new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: statusCode }),
            );
          });
          pipe(sink);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          statusCode = 500;
          console.error(error);
        },
      },
    );
    setTimeout(abort, streamTimeout + 1000);
  });
}
