import "./zod-browser";
import { App as AntApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { useEffect, useMemo } from "react";
import { I18nextProvider } from "react-i18next";
import {
  data,
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "react-router";
import type { Route } from "./+types/root";
import { ErrorPage } from "~/components/ErrorPage";
import { getActor } from "~/domain/auth/session.server";
import { createI18n, DEFAULT_LOCALE, type Locale } from "~/i18n/i18n";
import { actorContext, localeContext, nonceContext } from "~/web/context";
import { ensureCsrfToken, verifyCsrf } from "~/web/csrf.server";
import { resolveLocale } from "~/web/locale.server";
import { newNonce } from "~/web/security.server";
import "./styles.css";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Runs before every loader and action: refuses cross-site or token-less
 * mutations (the JSON API under /api authenticates by key instead), and
 * resolves the language and the signed-in actor once per request.
 */
const requestMiddleware: Route.MiddlewareFunction = async ({ request, context }, next) => {
  context.set(nonceContext, newNonce());
  const url = new URL(request.url);
  if (!SAFE_METHODS.has(request.method) && !url.pathname.startsWith("/api/") && !(await verifyCsrf(request))) {
    throw new Response("CSRF", { status: 403, statusText: "CSRF" });
  }
  context.set(localeContext, await resolveLocale(request));
  context.set(actorContext, await getActor(request));
  return next();
};

export const middleware: Route.MiddlewareFunction[] = [requestMiddleware];

export async function loader({ request, context }: Route.LoaderArgs) {
  const { token, setCookie } = await ensureCsrfToken(request);
  const actor = context.get(actorContext);
  return data(
    {
      locale: context.get(localeContext),
      csrfToken: token,
      nonce: context.get(nonceContext),
      signedIn: Boolean(actor),
    },
    setCookie ? { headers: { "Set-Cookie": setCookie } } : undefined,
  );
}

export const links: Route.LinksFunction = () => [{ rel: "icon", href: "/favicon.svg", type: "image/svg+xml" }];

export function Layout({ children }: { children: React.ReactNode }) {
  const root = useRouteLoaderData<typeof loader>("root");
  const locale: Locale = root?.locale ?? DEFAULT_LOCALE;
  const i18n = useMemo(() => createI18n(locale), [locale]);
  // Marks the document once React has hydrated it, so browser tests (and anyone
  // measuring time to interactive) know clicks now reach the client router.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        <I18nextProvider i18n={i18n}>
          <ConfigProvider
            locale={locale === "zh-CN" ? zhCN : enUS}
            theme={{ token: { colorPrimary: "#1553b6", borderRadius: 4, fontSize: 14 } }}
          >
            <AntApp>{children}</AntApp>
          </ConfigProvider>
        </I18nextProvider>
        <ScrollRestoration nonce={root?.nonce} />
        <Scripts nonce={root?.nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error)) {
    if (error.status === 404) return <ErrorPage kind="notFound" />;
    if (error.status === 403) return <ErrorPage kind={error.statusText === "CSRF" ? "csrf" : "forbidden"} />;
  }
  if (!isRouteErrorResponse(error)) console.error(error);
  return <ErrorPage kind="server" />;
}
