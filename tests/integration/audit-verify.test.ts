/**
 * The audit chain's verifier: a genuine chain of any content always verifies,
 * and a record edited or deleted behind the application's back (by someone
 * who can switch the append-only triggers off) is named exactly. Regulators
 * and platform administrators run it from the audit page; the run is itself
 * audited. Action codes show as labels in both languages.
 */
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { prisma, type Tx } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { ROLE_KEYS } from "~/domain/access/permissions";
import { APPLICATION_COMMAND_NAMES } from "~/domain/applications/lifecycle";
import { appendAudit, auditRecordHash, GENESIS_HASH, type AuditEntry } from "~/domain/audit/append-audit.server";
import { verifyAuditChain } from "~/domain/audit/verify-audit.server";
import { PRODUCT_TRANSITIONS } from "~/domain/products/product-lifecycle";
import { LoanStatus } from "~/generated/prisma/enums";
import { createI18n, LOCALES } from "~/i18n/i18n";
import * as auditPage from "~/routes/app/audit";
import { makeActor, outcome, routeContext } from "../helpers";

const append = (entry: AuditEntry) => prisma.$transaction((tx) => appendAudit(tx, entry));

/** Runs SQL as the database owner with the append-only trigger off, in one transaction: nobody else ever sees it off. */
function behindTheAppsBack(statement: (tx: Tx) => Promise<unknown>) {
  return prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete`);
    await statement(tx);
    await tx.$executeRawUnsafe(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete`);
  });
}

/** A middle record of the chain, as it is stored. */
async function middleRecord() {
  const rows = await prisma.auditLog.findMany({ orderBy: { seq: "asc" }, select: { seq: true } });
  expect(rows.length).toBeGreaterThan(10);
  const seq = rows[Math.floor(rows.length / 2)]!.seq;
  return prisma.auditLog.findUniqueOrThrow({ where: { seq } });
}

const seqBefore = async (seq: bigint) =>
  (await prisma.auditLog.findFirstOrThrow({ where: { seq: { lt: seq } }, orderBy: { seq: "desc" }, select: { seq: true } })).seq;
const seqAfter = async (seq: bigint) =>
  (await prisma.auditLog.findFirstOrThrow({ where: { seq: { gt: seq } }, orderBy: { seq: "asc" }, select: { seq: true } })).seq;

// Summaries chosen for how they could fail to round-trip through jsonb: key order
// (jsonb sorts keys shortest first), unicode, numbers, nulls, nesting, and
// values canonicalJson turns into something else (bigint, undefined, Date).
const SUMMARIES: Record<string, unknown>[] = [
  {},
  { z: 1, a: 2, mm: 3, b: { y: [3, 2, 1], x: null } },
  { 名称: "盘锦市兴隆台区测试有限公司", "企业 注册": true, emoji: "💰🏦✅", rtl: "مرحبا", combining: "é", nbsp: "a\u00a0b", sep: "line\u2028para\u2029" },
  { quote: 'say "hi" \\ back', newline: "a\nb\tc\r", control: "\u0001\u001f", slash: "a/b", html: "<script>&amp;</script>" },
  { n: 0, neg: -12.5, tiny: 5e-324, huge: 1.7976931348623157e308, e21: 1e21, point1: 0.1, third: 1 / 3, minusZero: -0, maxSafe: Number.MAX_SAFE_INTEGER },
  { amountFen: 123_456_789_012_345n, list: [1n, "2", null, true, false, [], {}] },
  { deep: { a: { b: { c: { d: { e: { f: ["深", { g: null, h: [{ i: "🇨🇳" }] }] } } } } } } },
  { before: { status: "DRAFT", note: null }, after: { status: "LISTED", note: "已上架" }, skipped: undefined },
  { "": "empty key", "a.b": "dotted key", " space": 1, A: "upper", a: "lower", é: "accent", aa: "two", ab: "three" },
  { at: new Date("2026-01-02T03:04:05.678Z"), nan: Number.NaN, inf: Number.POSITIVE_INFINITY, arrayHole: [1, undefined, 3] },
  { long: "长".repeat(5_000), keys: Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${199 - i}`, i])) },
];

describe("verifyAuditChain", () => {
  it("verifies a genuine chain of varied records, whatever the batch size, including after a rolled-back append", async () => {
    expect(await verifyAuditChain(prisma)).toEqual({ ok: true, checked: 0, lastSeq: null, lastHash: GENESIS_HASH });

    const actor = await makeActor("bank_admin");
    for (const [i, summary] of SUMMARIES.entries()) {
      await append({
        actorUserId: i % 3 === 0 ? null : actor.userId,
        actorInstitutionId: i % 2 === 0 ? actor.institution!.id : null,
        action: `test.varied-${i}`,
        entityType: i % 2 ? "产品" : "product",
        entityId: i % 4 === 0 ? randomUUID() : `编号-${i}-🔑`,
        summary,
        ip: [null, "10.0.0.1", "2001:db8::1", "::ffff:127.0.0.1", "unknown"][i % 5],
      });
    }
    // A rolled-back append leaves a hole in seq: a gap alone is not a break.
    await expect(
      prisma.$transaction(async (tx) => {
        await appendAudit(tx, { action: "test.rolled-back", entityType: "test", entityId: "x" });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await Promise.all(
      Array.from({ length: 25 }, (_, i) => append({ action: "test.concurrent", entityType: "test", entityId: String(i), summary: { i, 中: "文" } })),
    );

    const rows = await prisma.auditLog.findMany({ orderBy: { seq: "asc" }, select: { seq: true, hash: true } });
    const last = rows.at(-1)!;
    expect(rows.length).toBe(SUMMARIES.length + 25);
    // The rolled-back append's seq was consumed: the chain now has a hole in its numbering.
    expect(Number(last.seq - rows[0]!.seq) + 1).toBeGreaterThan(rows.length);

    for (const batchSize of [1, 7, rows.length, rows.length - 1, 5_000]) {
      const progress: [number, number][] = [];
      const result = await verifyAuditChain(prisma, { batchSize, onProgress: (checked, total) => progress.push([checked, total]) });
      expect(result).toEqual({ ok: true, checked: rows.length, lastSeq: last.seq.toString(), lastHash: last.hash });
      expect(progress[0]).toEqual([0, rows.length]);
      expect(progress.at(-1)).toEqual([rows.length, rows.length]);
    }
    await expect(verifyAuditChain(prisma, { batchSize: 0 })).rejects.toThrow(RangeError);
  });

  it("keeps a chain verifiable whatever is recorded: upper-case ids, NUL and lone surrogates in text", async () => {
    const id = randomUUID().toUpperCase();
    await prisma.$transaction((tx) =>
      appendAudit(tx, { actorUserId: id, action: "test.odd-text", entityType: "test", entityId: "odd", summary: { note: "a\u0000b\ud800c\udfffd", emoji: "😀" } }),
    );
    const row = await prisma.auditLog.findFirstOrThrow({ where: { action: "test.odd-text" }, orderBy: { seq: "desc" } });
    expect(row.actorUserId).toBe(id.toLowerCase());
    expect(row.summary).toEqual({ note: "a\ufffdb\ufffdc\ufffdd", emoji: "😀" });
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
  });

  it("names the record whose summary, actor or time was edited behind the application's back, as hashMismatch", async () => {
    const target = await middleRecord();
    const edits: ((tx: Tx) => Promise<unknown>)[] = [
      (tx) => tx.$executeRaw`UPDATE audit_log SET summary = jsonb_set(summary, '{forged}', 'true') WHERE seq = ${target.seq}`,
      (tx) => tx.$executeRaw`UPDATE audit_log SET "actorUserId" = ${randomUUID()}::uuid WHERE seq = ${target.seq}`,
      (tx) => tx.$executeRaw`UPDATE audit_log SET "at" = "at" + interval '1 millisecond' WHERE seq = ${target.seq}`,
    ];
    for (const edit of edits) {
      await behindTheAppsBack(edit);
      const result = await verifyAuditChain(prisma, { batchSize: 4 });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.brokenAt).toMatchObject({
        seq: target.seq.toString(),
        reason: "hashMismatch",
        found: target.hash,
        action: target.action,
        entityType: target.entityType,
        entityId: target.entityId,
      });
      expect(result.brokenAt.expected).not.toBe(target.hash);
      // Every record before it checked out.
      expect(result.checked).toBe(await prisma.auditLog.count({ where: { seq: { lt: target.seq } } }));
      await restore(target);
    }
  });

  it("names the next record as prevHashMismatch when a forger also re-hashes the record they edited", async () => {
    const target = await middleRecord();
    const next = await seqAfter(target.seq);
    const forged = { ...target, summary: { ...(target.summary as object), forged: true } };
    const forgedHash = auditRecordHash(target.prevHash, forged);
    await behindTheAppsBack((tx) => tx.auditLog.update({ where: { seq: target.seq }, data: { summary: forged.summary, hash: forgedHash } }));
    const result = await verifyAuditChain(prisma, { batchSize: 2 });
    expect(result).toMatchObject({
      ok: false,
      brokenAt: { seq: next.toString(), previousSeq: target.seq.toString(), reason: "prevHashMismatch", expected: forgedHash, found: target.hash },
    });
    await restore(target);
  });

  it("names the record after a deleted middle record as prevHashMismatch", async () => {
    const target = await middleRecord();
    const before = await seqBefore(target.seq);
    const after = await seqAfter(target.seq);
    await behindTheAppsBack((tx) => tx.$executeRaw`DELETE FROM audit_log WHERE seq = ${target.seq}`);
    const result = await verifyAuditChain(prisma, { batchSize: 3 });
    expect(result).toMatchObject({
      ok: false,
      brokenAt: { seq: after.toString(), previousSeq: before.toString(), reason: "prevHashMismatch", expected: (await hashOf(before)), found: target.hash },
    });
    await prisma.auditLog.create({ data: { ...target, summary: target.summary as object } });
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
  });
});

const hashOf = async (seq: bigint) => (await prisma.auditLog.findUniqueOrThrow({ where: { seq }, select: { hash: true } })).hash;

/** Puts the stored record back exactly as it was, and checks the chain verifies again. */
async function restore(record: Awaited<ReturnType<typeof middleRecord>>) {
  await behindTheAppsBack((tx) =>
    tx.auditLog.update({
      where: { seq: record.seq },
      data: { ...record, summary: record.summary as object },
    }),
  );
  expect((await verifyAuditChain(prisma)).ok).toBe(true);
}

function verifyRequest(): Request {
  return new Request("http://localhost/app/audit", { method: "POST", body: new URLSearchParams({ intent: "verify" }) });
}
const callAction = (actor: Actor) => outcome(() => auditPage.action({ request: verifyRequest(), context: routeContext(actor), params: {} } as never));
const callLoader = (actor: Actor) =>
  outcome(() => auditPage.loader({ request: new Request("http://localhost/app/audit"), context: routeContext(actor), params: {} } as never));
const verifiedRecords = () => prisma.auditLog.findMany({ where: { action: "audit.verified" }, orderBy: { seq: "asc" } });

describe("the audit page's verify action", () => {
  it("is refused without verify:audit-log:any, and nothing is recorded", async () => {
    const before = await prisma.auditLog.count();
    for (const role of ROLE_KEYS.filter((r) => r !== "regulator" && r !== "platform_admin")) {
      const actor = await makeActor(role);
      expect({ role, status: (await callAction(actor)).status }).toEqual({ role, status: 403 });
    }
    const finance = await makeActor("finance_office");
    expect(await callLoader(finance)).toMatchObject({ status: 200, data: { canVerify: false } });
    expect(await prisma.auditLog.count()).toBe(before);
  });

  it("verifies the chain for the regulator and the platform administrator, and records each run in the chain", async () => {
    for (const role of ["regulator", "platform_admin"] as const) {
      const actor = await makeActor(role);
      expect(await callLoader(actor)).toMatchObject({ status: 200, data: { canVerify: true } });
      const last = await prisma.auditLog.findFirstOrThrow({ orderBy: { seq: "desc" } });
      const count = await prisma.auditLog.count();
      const result = await callAction(actor);
      expect(result).toMatchObject({
        status: 200,
        data: { verification: { ok: true, checked: count, lastSeq: last.seq.toString(), lastHash: last.hash } },
      });
      const recorded = (await verifiedRecords()).at(-1)!;
      expect(recorded).toMatchObject({
        actorUserId: actor.userId,
        actorInstitutionId: actor.institution!.id,
        entityType: "audit-log",
        summary: { ok: true, checked: count, brokenAt: null, lastSeq: last.seq.toString(), lastHash: last.hash },
        prevHash: last.hash,
      });
    }
    expect((await verifyAuditChain(prisma)).ok).toBe(true);
  });

  it("shows the first broken record with its action and entity, and records the failed run", async () => {
    const regulator = await makeActor("regulator");
    const target = await middleRecord();
    await behindTheAppsBack((tx) => tx.$executeRaw`UPDATE audit_log SET "entityId" = 'forged' WHERE seq = ${target.seq}`);
    const result = await callAction(regulator);
    expect(result).toMatchObject({
      status: 200,
      data: { verification: { ok: false, brokenAt: { seq: target.seq.toString(), reason: "hashMismatch", action: target.action, entityType: target.entityType, entityId: "forged" } } },
    });
    expect((await verifiedRecords()).at(-1)).toMatchObject({
      actorUserId: regulator.userId,
      entityId: target.seq.toString(),
      summary: { ok: false, brokenAt: { seq: target.seq.toString(), reason: "hashMismatch" } },
    });
    await restore(target);
  });
});

/** Every action code the application writes, read from the source so that a new one without labels fails here. */
function writtenActionCodes(): string[] {
  const templates: Record<string, readonly string[]> = {
    "application.${input.command}": APPLICATION_COMMAND_NAMES,
    "loan.${state.toLowerCase()}": Object.values(LoanStatus).map((s) => s.toLowerCase()),
    "product.${command.intent}": Object.keys(PRODUCT_TRANSITIONS),
  };
  const files = (readdirSync("app", { recursive: true }) as string[])
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f) && !f.startsWith("generated") && !f.startsWith("i18n"))
    .map((f) => join("app", f));
  const codes = new Set<string>();
  for (const file of files) {
    const source = readFileSync(file, "utf8");
    if (!source.includes("appendAudit")) continue;
    for (const [, value] of source.matchAll(/\baction:\s*([^,\n]+)/g)) {
      for (const [, code] of value!.matchAll(/"([a-z][a-z-]*\.[a-zA-Z_-]+)"/g)) codes.add(code!);
      for (const [, template] of value!.matchAll(/`([^`]*\$\{[^`]*)`/g)) {
        const prefix = template!.slice(0, template!.indexOf("${"));
        const expansions = templates[template!];
        expect(expansions, `${file}: add the values of \`${template}\` to this test`).toBeDefined();
        for (const suffix of expansions!) codes.add(`${prefix}${suffix}`);
      }
    }
  }
  return [...codes].sort();
}

describe("action labels", () => {
  it("exist in both languages for every action code the application writes; unknown codes show as themselves", () => {
    const codes = writtenActionCodes();
    expect(codes).toEqual(expect.arrayContaining(["user.sign_in", "application.submitted", "loan.disbursed", "need.posted", "audit.verified"]));
    for (const locale of LOCALES) {
      const { t } = createI18n(locale);
      for (const code of codes) {
        // The page's own lookup: codes contain dots, which i18next would otherwise read as nesting.
        expect(auditPage.auditActionLabel(t, code), `${locale} ${code}`).not.toBe(code);
      }
      expect(auditPage.auditActionLabel(t, "no.such-action")).toBe("no.such-action");
      expect(auditPage.auditActionLabel(t, "user")).toBe("user");
    }
    expect(auditPage.auditActionLabel(createI18n("zh-CN").t, "user.sign_in")).toBe("登录");
    expect(auditPage.auditActionLabel(createI18n("en").t, "audit.verified")).toBe("Audit chain verified");
  });
});
