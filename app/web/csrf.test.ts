import { describe, expect, it } from "vitest";
import { ensureCsrfToken, verifyCsrf } from "./csrf.server";

async function issued() {
  const { token, setCookie } = await ensureCsrfToken(new Request("http://localhost/"));
  return { token, cookie: setCookie!.split(";")[0]! };
}

function post(body: Record<string, string>, headers: Record<string, string>) {
  return new Request("http://localhost:3000/sign-in", {
    method: "POST",
    body: new URLSearchParams(body),
    headers: { "Content-Type": "application/x-www-form-urlencoded", Host: "localhost:3000", ...headers },
  });
}

describe("CSRF", () => {
  it("accepts a same-origin form carrying the cookie's token", async () => {
    const { token, cookie } = await issued();
    expect(await verifyCsrf(post({ csrf: token }, { Cookie: cookie, Origin: "http://localhost:3000" }))).toBe(true);
  });

  it("refuses a missing, wrong or unsigned token", async () => {
    const { token, cookie } = await issued();
    expect(await verifyCsrf(post({}, { Cookie: cookie }))).toBe(false);
    expect(await verifyCsrf(post({ csrf: token.replace(/.$/, token.endsWith("A") ? "B" : "A") }, { Cookie: cookie }))).toBe(false);
    expect(await verifyCsrf(post({ csrf: token }, {}))).toBe(false);
    expect(await verifyCsrf(post({ csrf: token }, { Cookie: `xyd_csrf=${token}` }))).toBe(false);
  });

  it("refuses cross-site requests even with a valid token", async () => {
    const { token, cookie } = await issued();
    expect(await verifyCsrf(post({ csrf: token }, { Cookie: cookie, Origin: "https://evil.example" }))).toBe(false);
    expect(await verifyCsrf(post({ csrf: token }, { Cookie: cookie, "Sec-Fetch-Site": "cross-site" }))).toBe(false);
  });

  it("keeps an existing token", async () => {
    const { token, cookie } = await issued();
    expect(await ensureCsrfToken(new Request("http://localhost/", { headers: { Cookie: cookie } }))).toEqual({ token, setCookie: null });
  });
});
