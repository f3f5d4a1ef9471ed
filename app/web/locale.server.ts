import { createCookie } from "react-router";
import { env } from "~/config/env.server";
import { DEFAULT_LOCALE, isLocale, type Locale } from "~/i18n/i18n";

export const localeCookie = createCookie("xyd_lng", {
  httpOnly: true,
  secure: env.COOKIE_SECURE,
  sameSite: "lax",
  path: "/",
  maxAge: 365 * 24 * 3600,
});

/** The chosen language (cookie), else Simplified Chinese — the platform's default. */
export async function resolveLocale(request: Request): Promise<Locale> {
  const value: unknown = await localeCookie.parse(request.headers.get("Cookie"));
  return isLocale(value) ? value : DEFAULT_LOCALE;
}
