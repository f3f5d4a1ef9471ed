import { readFileSync } from "node:fs";
import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { DEMO_PASSWORD, query, signIn, signedInPage } from "./support";

/**
 * What the production server (server.mjs) sends, over real HTTP: the security
 * headers on every kind of response, each exactly once; sessions that are never
 * adopted from a planted cookie and end on the server at sign-out; cross-site
 * and token-less form posts refused with nothing written; bodies bounded before
 * they are read; sign-in attempts limited.
 */

/** The list both the app and server.mjs send, read as server.mjs reads it. */
const SECURITY_HEADERS = JSON.parse(readFileSync(new URL("../app/web/security-headers.json", import.meta.url), "utf8")) as {
  baseline: Record<string, string>;
  resourcePolicy: string;
  strictTransportSecurity: string;
};
const BASELINE = Object.entries(SECURITY_HEADERS.baseline);

function headerValues(response: APIResponse, name: string): string[] {
  return response
    .headersArray()
    .filter((h) => h.name.toLowerCase() === name.toLowerCase())
    .map((h) => h.value);
}

function expectSecurityHeaders(label: string, response: APIResponse, kind: "page" | "resource") {
  for (const [name, value] of [...BASELINE, ["Strict-Transport-Security", SECURITY_HEADERS.strictTransportSecurity] as const]) {
    expect({ label, name, values: headerValues(response, name) }).toEqual({ label, name, values: [value] });
  }
  const policies = headerValues(response, "Content-Security-Policy");
  expect({ label, policies: policies.length }).toEqual({ label, policies: 1 });
  if (kind === "resource") {
    expect({ label, policy: policies[0] }).toEqual({ label, policy: SECURITY_HEADERS.resourcePolicy });
    return;
  }
  const directives = policies[0]!.split(";").map((d) => d.trim());
  const scripts = directives.find((d) => d.startsWith("script-src")) ?? "";
  expect(scripts, label).toMatch(/^script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'$/);
  expect(directives, label).toContain("frame-ancestors 'none'");
  expect(directives, label).toContain("object-src 'none'");
}

/** The CSRF token the page's forms carry. */
async function csrfToken(page: Page): Promise<string> {
  return page.locator("input[name=csrf]").first().inputValue();
}

async function sessionCookie(page: Page) {
  return (await page.context().cookies()).find((c) => c.name === "xyd_session");
}

test("every kind of response carries each security header exactly once", async ({ page }) => {
  await signIn(page, "finance");
  const html = await (await page.request.get("/")).text();
  const asset = /\/assets\/[^"]+\.js/.exec(html)?.[0];
  expect(asset, "a fingerprinted script on the page").toBeTruthy();

  const cases: { label: string; path: string; kind: "page" | "resource"; status: number; init?: Parameters<Page["request"]["fetch"]>[1] }[] = [
    { label: "public page", path: "/", kind: "page", status: 200 },
    { label: "signed-in page", path: "/app/monitoring", kind: "page", status: 200 },
    { label: "page not found", path: "/no-such-page", kind: "page", status: 404 },
    { label: "API reference", path: "/api/docs", kind: "page", status: 200 },
    { label: "OpenAPI JSON", path: "/api/v1/openapi.json", kind: "resource", status: 200 },
    { label: "API refusal", path: "/api/v1/inbox", kind: "resource", status: 401 },
    { label: "CSV export", path: "/app/monitoring/export/trend", kind: "resource", status: 200 },
    { label: "static file", path: "/favicon.svg", kind: "resource", status: 200 },
    { label: "fingerprinted asset", path: asset!, kind: "resource", status: 200 },
    {
      label: "oversized body",
      path: "/app/needs/new",
      kind: "resource",
      status: 413,
      init: { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, data: "x=".padEnd(11 * 1024 * 1024, "a") },
    },
  ];
  for (const c of cases) {
    const response = await page.request.fetch(c.path, { maxRedirects: 0, ...c.init });
    expect({ label: c.label, status: response.status() }).toEqual({ label: c.label, status: c.status });
    expectSecurityHeaders(c.label, response, c.kind);
  }
});

test("pages and charts run under their policy without a single violation", async ({ page }) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { __violations: string[] }).__violations = seen;
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push(`${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`),
    );
  });
  await signIn(page, "finance");
  for (const path of ["/app", "/app/monitoring", "/app/supermarket", "/products", "/api/docs"]) {
    await page.goto(path);
    await page.waitForLoadState("networkidle");
    const violations = await page.evaluate(() => (window as unknown as { __violations?: string[] }).__violations ?? []);
    expect({ path, violations }).toEqual({ path, violations: [] });
  }
  // The charts drew under the policy (ECharts renders SVG).
  await page.goto("/app/monitoring");
  await expect(page.locator(".echarts-for-react svg").first()).toBeVisible();
});

test("a planted session cookie is never adopted; sign-in issues a new one; sign-out ends it on the server", async ({ browser }) => {
  // The attacker's own valid session, planted in the victim's browser before the victim signs in.
  const attacker = await signedInPage(browser, "icbc-pj.officer");
  const planted = (await sessionCookie(attacker))!;
  expect(planted).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });

  const victimContext = await browser.newContext();
  await victimContext.addCookies([{ ...planted }]);
  const victim = await victimContext.newPage();
  await victim.goto("/app");
  await expect(victim.getByText("客户经理").first()).toBeVisible(); // the planted session is the attacker's
  // The victim signs in with the planted cookie still in the browser.
  const signedIn = await victim.request.post("/sign-in", {
    form: { csrf: await csrfToken(victim), username: "sme", password: DEMO_PASSWORD, redirectTo: "/app" },
    maxRedirects: 0,
  });
  expect(signedIn.status()).toBe(302);
  const issued = (await sessionCookie(victim))!;
  expect(issued.value).not.toBe(planted.value);
  expect(issued).toMatchObject({ httpOnly: true, secure: true, sameSite: "Lax" });
  await victim.goto("/app");
  await expect(victim.getByText("企业用户").first()).toBeVisible();

  // The attacker's cookie still means the attacker: the victim's sign-in did not upgrade it.
  await attacker.goto("/app");
  await expect(attacker.getByText("客户经理").first()).toBeVisible();
  await expect(attacker.getByText("企业用户")).toHaveCount(0);

  // A forged token (random, unsigned) is ignored, and signing in replaces it.
  const forgedContext = await browser.newContext();
  await forgedContext.addCookies([{ ...planted, value: "Zm9yZ2Vk.c2lnbmF0dXJl" }]);
  const forged = await forgedContext.newPage();
  await forged.goto("/app/needs");
  await expect(forged).toHaveURL(/\/sign-in\?redirectTo=%2Fapp%2Fneeds/);
  await signIn(forged, "sme");
  expect((await sessionCookie(forged))!.value).not.toBe("Zm9yZ2Vk.c2lnbmF0dXJl");

  // Sign-out deletes the session row: the old cookie, replayed elsewhere, opens nothing.
  const signedOut = await victim.request.post("/sign-out", { form: { csrf: await csrfToken(victim) }, maxRedirects: 0 });
  expect(signedOut.status()).toBe(302);
  const replay = await browser.newContext();
  await replay.addCookies([{ ...issued }]);
  const replayed = await (await replay.newPage()).request.get("/app", { maxRedirects: 0 });
  expect(replayed.status()).toBe(302);
  expect(replayed.headers().location).toMatch(/^\/sign-in/);
  for (const context of [attacker.context(), victimContext, forgedContext, replay]) await context.close();
});

test("cross-site and token-less form posts are refused and write nothing", async ({ browser }) => {
  const sme = await signedInPage(browser, "sme");
  await sme.goto("/app/needs/new");
  const token = await csrfToken(sme);
  const other = await signedInPage(browser, "sme2");
  await other.goto("/app/needs/new");
  const othersToken = await csrfToken(other);
  expect(othersToken).not.toBe(token);

  const purpose = `CSRF 探测 ${Date.now()}`;
  const need = {
    amount: "500000",
    termMonths: "12",
    purpose,
    maxRate: "6",
    guaranteeTypes: "CREDIT",
    urgency: "NORMAL",
    expiresOn: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
  };
  const count = async () => Number((await query<{ n: string }>("SELECT count(*) AS n FROM financing_needs WHERE purpose = $1", [purpose]))[0]!.n);
  const attempts: { label: string; form: Record<string, string>; headers?: Record<string, string> }[] = [
    { label: "no token", form: need },
    { label: "another session's token", form: { ...need, csrf: othersToken } },
    { label: "a made-up token", form: { ...need, csrf: "A".repeat(43) } },
    { label: "cross-site origin", form: { ...need, csrf: token }, headers: { Origin: "http://attacker.example" } },
    { label: "cross-site fetch", form: { ...need, csrf: token }, headers: { "Sec-Fetch-Site": "cross-site" } },
  ];
  for (const attempt of attempts) {
    const response = await sme.request.post("/app/needs/new", { form: attempt.form, headers: attempt.headers, maxRedirects: 0 });
    // React Router's own origin check answers a foreign Origin with 400 before ours (403) runs; either is a refusal.
    const refusals = attempt.headers?.Origin ? [400, 403] : [403];
    expect({ label: attempt.label, refused: refusals.includes(response.status()) }).toEqual({ label: attempt.label, refused: true });
  }
  expect(await count()).toBe(0);

  // The same post from the page itself, with its own token, goes through: the refusals above were the token's doing.
  const accepted = await sme.request.post("/app/needs/new", { form: { ...need, csrf: token }, maxRedirects: 0 });
  expect(accepted.status()).toBe(302);
  expect(await count()).toBe(1);
  await query("UPDATE financing_needs SET status = 'CLOSED' WHERE purpose = $1", [purpose]);
  for (const page of [sme, other]) await page.context().close();
});

test("bodies are bounded before they are read: too large, or of unknown length", async ({ request }) => {
  const big = "a".repeat(11 * 1024 * 1024);
  const page = await request.post("/sign-in", { headers: { "Content-Type": "application/x-www-form-urlencoded" }, data: big });
  expect(page.status()).toBe(413);
  expect(await page.text()).toBe("请求内容过大（上限 10 MB） / Request body too large (limit 10 MB)");

  for (const [language, message] of [
    ["zh-CN", "请求内容过大（上限 10 MB）"],
    ["en", "Request body too large (limit 10 MB)"],
  ] as const) {
    const api = await request.post("/api/v1/inbox", { headers: { "Content-Type": "application/json", "Accept-Language": language }, data: big });
    expect(api.status()).toBe(413);
    expect(await api.json()).toEqual({ error: { code: "payloadTooLarge", message } });
  }

  // A chunked form post declares no length; it is refused rather than read without a bound.
  const chunked = await fetch(new URL("/sign-in", test.info().project.use.baseURL).href, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("username=x&password=y"));
        controller.close();
      },
    }),
    duplex: "half",
  } as RequestInit);
  expect(chunked.status).toBe(411);
});

test("sign-in is limited per name and address, with the wait in the user's language", async ({ page }) => {
  const username = `nobody-${Date.now()}`;
  const attempt = async () => {
    await page.goto("/sign-in");
    await page.locator("input[name=username]").fill(username);
    await page.locator("input[name=password]").fill("wrong-password");
    await page.getByTestId("sign-in-submit").click();
  };
  for (let i = 0; i < 5; i++) {
    await attempt();
    await expect(page.getByText("用户名或密码不正确")).toBeVisible();
  }
  await attempt();
  await expect(page.getByText(/登录失败次数过多/)).toBeVisible();
});
