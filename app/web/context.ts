import { createContext } from "react-router";
import type { Actor } from "~/domain/access/actor.server";
import type { Locale } from "~/i18n/i18n";

export const actorContext = createContext<Actor | null>(null);
export const localeContext = createContext<Locale>("zh-CN");
/** Per-request nonce allowing React Router's inline scripts under the CSP. */
export const nonceContext = createContext<string>("");
