/**
 * Credit evaluation kept current and replayable; a bank reads a credit report
 * only under a live authorisation and every view is logged where the
 * enterprise can read it; objections and repairs change grades at once.
 */
import { describe, expect, it } from "vitest";
import { prisma } from "~/db.server";
import type { Actor } from "~/domain/access/actor.server";
import { grantAuthorisation } from "~/domain/consent/grant-authorisation.server";
import { listDataAccess } from "~/domain/consent/list-data-access.server";
import { openCreditReport } from "~/domain/consent/open-credit-report.server";
import { revokeAuthorisation } from "~/domain/consent/revoke-authorisation.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { evaluateEnterprises, replayEvaluation } from "~/domain/credit/evaluate-enterprises.server";
import { decideObjection } from "~/domain/credit/objections/decide-objection.server";
import { raiseObjection } from "~/domain/credit/objections/raise-objection.server";
import { makeActor, makeEnterprise, makeUser, actorOf } from "../helpers";

const DAY = 86_400_000;

async function smeOf(enterpriseId: string): Promise<Actor> {
  return actorOf((await makeUser({ roleKey: "sme", enterpriseId })).id);
}

async function addSignal(enterpriseId: string, data: Partial<Parameters<typeof prisma.creditSignal.create>[0]["data"]> & { kind: "ADMIN_PENALTY" | "DISHONEST_DEBTOR" | "TAX_GRADE"; naturalKey: string }) {
  return prisma.creditSignal.create({ data: { enterpriseId, source: "测试", asOf: new Date("2026-10-31"), ...data } as never });
}

async function current(enterpriseId: string) {
  const e = await prisma.enterprise.findUniqueOrThrow({ where: { id: enterpriseId }, select: { currentEvaluation: true } });
  return e.currentEvaluation!;
}

const expiresOn = (days: number) => new Date(Date.parse(`${platformToday()}T00:00:00Z`) + days * DAY);

describe("credit evaluation", () => {
  it("is idempotent, keeps the right evaluation current when facts change back, and replays exactly", async () => {
    const e = await makeEnterprise();
    await addSignal(e.id, { kind: "TAX_GRADE", naturalKey: "2025", period: "2025", grade: "A" });
    const first = await evaluateEnterprises(prisma, { enterpriseIds: [e.id], trigger: "manual", asOf: "2026-11-20" });
    expect(first).toEqual({ evaluated: 1, created: 1, changed: 1 });
    expect(await evaluateEnterprises(prisma, { enterpriseIds: [e.id], trigger: "manual", asOf: "2026-11-20" })).toEqual({ evaluated: 1, created: 0, changed: 0 });
    const a = await current(e.id);

    await prisma.creditSignal.updateMany({ where: { enterpriseId: e.id }, data: { grade: "D" } });
    await evaluateEnterprises(prisma, { enterpriseIds: [e.id], trigger: "manual", asOf: "2026-11-20" });
    const d = await current(e.id);
    expect(d.score).toBeLessThan(a.score);

    await prisma.creditSignal.updateMany({ where: { enterpriseId: e.id }, data: { grade: "A" } });
    expect(await evaluateEnterprises(prisma, { enterpriseIds: [e.id], trigger: "manual", asOf: "2026-11-20" })).toEqual({ evaluated: 1, created: 0, changed: 1 });
    expect((await current(e.id)).id).toBe(a.id);

    for (const id of [a.id, d.id]) expect((await replayEvaluation(prisma, id)).matches).toBe(true);
  });

  it("a tampered stored evaluation no longer replays", async () => {
    const e = await makeEnterprise();
    await evaluateEnterprises(prisma, { enterpriseIds: [e.id], trigger: "manual", asOf: "2026-11-20" });
    const ev = await current(e.id);
    await prisma.creditEvaluation.update({ where: { id: ev.id }, data: { score: ev.score + 1 } });
    expect((await replayEvaluation(prisma, ev.id)).matches).toBe(false);
  });

  it("an active dishonest-debtor entry excludes the enterprise with the reason shown", async () => {
    const e = await makeEnterprise();
    await addSignal(e.id, { kind: "TAX_GRADE", naturalKey: "2025", period: "2025", grade: "A" });
    await addSignal(e.id, { kind: "DISHONEST_DEBTOR", naturalKey: "(2026)辽1102执1号", startsOn: new Date("2026-01-01"), details: { court: "法院" } });
    await evaluateEnterprises(prisma, { enterpriseIds: [e.id], trigger: "manual", asOf: "2026-11-20" });
    const ev = await current(e.id);
    expect(ev).toMatchObject({ excluded: true, grade: "D" });
    expect((ev.exclusions as { code: string }[]).length).toBeGreaterThan(0);
  });
});

describe("authorisations and the data-access log", () => {
  it("a bank is refused without a live authorisation, reads within scope with one, and every view is logged for the enterprise", async () => {
    const e = await makeEnterprise();
    await prisma.enterprise.update({ where: { id: e.id }, data: { contactPhone: "13800138000", legalRepIdNumber: "211102198001011234" } });
    const sme = await smeOf(e.id);
    const officer = await makeActor("loan_officer");
    const otherBank = await makeActor("loan_officer");

    expect(await openCreditReport({ actor: officer, enterpriseId: e.id, ip: null })).toMatchObject({ authorised: false });
    expect(await prisma.dataAccessLog.count({ where: { enterpriseId: e.id } })).toBe(0);

    const grant = await grantAuthorisation({
      actor: sme,
      input: { institutionId: officer.institution!.id, scopes: ["CREDIT_REPORT"], purpose: "LOAN_APPLICATION", expiresOn: expiresOn(30) },
      ip: null,
    });
    const report = await openCreditReport({ actor: officer, enterpriseId: e.id, ip: "10.0.0.1" });
    expect(report.authorised).toBe(true);
    if (!report.authorised) throw new Error("unreachable");
    // Without the SIGNALS and CONTACT scopes: no records, personal data masked.
    expect(report.profile.signals).toEqual([]);
    expect(report.profile.enterprise.contactPhone).toBe("138****8000");
    expect(report.profile.enterprise.legalRepIdNumber).not.toContain("19800101");

    // Another bank is still refused.
    expect(await openCreditReport({ actor: otherBank, enterpriseId: e.id, ip: null })).toMatchObject({ authorised: false });

    const log = await listDataAccess({ actor: sme, scope: "own", page: 1, pageSize: 20 });
    expect(log.total).toBe(1);
    expect(log.rows[0]).toMatchObject({ institution: { nameZh: officer.institution!.nameZh }, purpose: "LOAN_APPLICATION", authorisationId: grant.id });

    await revokeAuthorisation({ actor: sme, authorisationId: grant.id, ip: null });
    expect(await openCreditReport({ actor: officer, enterpriseId: e.id, ip: null })).toMatchObject({ authorised: false });
    expect(await revokeAuthorisation({ actor: sme, authorisationId: grant.id, ip: null })).toMatchObject({ alreadyRevoked: true });
  });

  it("an expired authorisation gives no access, and one enterprise cannot revoke another's grant", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const officer = await makeActor("loan_officer");
    const grant = await grantAuthorisation({
      actor: sme,
      input: { institutionId: officer.institution!.id, scopes: ["CREDIT_REPORT", "SIGNALS"], purpose: "PRE_LOAN_REVIEW", expiresOn: expiresOn(1) },
      ip: null,
    });
    const stranger = await smeOf((await makeEnterprise()).id);
    await expect(revokeAuthorisation({ actor: stranger, authorisationId: grant.id, ip: null })).rejects.toMatchObject({ code: "notFound" });
    await prisma.authorisation.update({ where: { id: grant.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await openCreditReport({ actor: officer, enterpriseId: e.id, ip: null })).toMatchObject({ authorised: false });
  });

  it("refuses grants to non-banks, in the past, or longer than a year", async () => {
    const sme = await smeOf((await makeEnterprise()).id);
    const office = await makeActor("finance_office");
    const bank = await makeActor("bank_admin");
    const base = { scopes: ["CREDIT_REPORT" as const], purpose: "LOAN_APPLICATION" as const };
    await expect(grantAuthorisation({ actor: sme, input: { ...base, institutionId: office.institution!.id, expiresOn: expiresOn(10) }, ip: null })).rejects.toMatchObject({ code: "consent.notABank" });
    await expect(grantAuthorisation({ actor: sme, input: { ...base, institutionId: bank.institution!.id, expiresOn: expiresOn(0) }, ip: null })).rejects.toMatchObject({ code: "consent.expiryInPast" });
    await expect(grantAuthorisation({ actor: sme, input: { ...base, institutionId: bank.institution!.id, expiresOn: expiresOn(400) }, ip: null })).rejects.toMatchObject({ code: "consent.expiryTooFar" });
    await expect(grantAuthorisation({ actor: bank, input: { ...base, institutionId: bank.institution!.id, expiresOn: expiresOn(10) }, ip: null })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("objections and credit repair", () => {
  it("withdrawing a disputed record re-evaluates at once; the decision cannot be made twice", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const finance = await makeActor("finance_office");
    const penalty = await addSignal(e.id, { kind: "ADMIN_PENALTY", naturalKey: "罚1", startsOn: new Date(Date.now() - 30 * DAY), severity: "GENERAL", details: { authority: "局" } });
    await evaluateEnterprises(prisma, { enterpriseIds: [e.id], trigger: "manual" });
    const before = await current(e.id);

    const objection = await raiseObjection({ actor: sme, kind: "OBJECTION", signalId: penalty.id, reason: "并非本企业", attachment: { name: "证明.pdf", type: "application/pdf", bytes: new Uint8Array([37, 80, 68, 70]) }, ip: null });
    await expect(raiseObjection({ actor: sme, kind: "OBJECTION", signalId: penalty.id, reason: "again", attachment: null, ip: null })).rejects.toMatchObject({ code: "objection.alreadyOpen" });

    const result = await decideObjection({ actor: finance, objectionId: objection.id, input: { decision: "WITHDRAW", resolution: "核实有误，予以撤销" }, ip: null });
    expect(result.remedy).toBe("WITHDRAWN");
    const after = await current(e.id);
    expect(after.score).toBeGreaterThan(before.score);
    expect(after.trigger).toBe(`objection:${objection.id}`);
    expect((await prisma.creditSignal.findUniqueOrThrow({ where: { id: penalty.id } })).voidedAt).not.toBeNull();
    await expect(decideObjection({ actor: finance, objectionId: objection.id, input: { decision: "DISMISS", resolution: "x" }, ip: null })).rejects.toMatchObject({ code: "objection.alreadyDecided" });
  });

  it("a correction is validated by the import rules and applied; a dismissal changes nothing", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const finance = await makeActor("finance_office");
    const grade = await addSignal(e.id, { kind: "TAX_GRADE", naturalKey: "2025", period: "2025", grade: "C" });
    const o1 = await raiseObjection({ actor: sme, kind: "OBJECTION", signalId: grade.id, reason: "应为 A 级", attachment: null, ip: null });
    await expect(
      decideObjection({ actor: finance, objectionId: o1.id, input: { decision: "CORRECT", resolution: "更正", cells: { grade: "Z" } }, ip: null }),
    ).rejects.toMatchObject({ code: "objection.invalidCorrection" });
    await decideObjection({ actor: finance, objectionId: o1.id, input: { decision: "CORRECT", resolution: "更正", cells: { grade: "A", year: "1999" } }, ip: null });
    const corrected = await prisma.creditSignal.findUniqueOrThrow({ where: { id: grade.id } });
    // The grade is corrected; the year (an identity column) is not editable.
    expect(corrected).toMatchObject({ grade: "A", period: "2025" });
    expect(corrected.correctedAt).not.toBeNull();

    const o2 = await raiseObjection({ actor: sme, kind: "OBJECTION", signalId: grade.id, reason: "再议", attachment: null, ip: null });
    const before = await current(e.id);
    await decideObjection({ actor: finance, objectionId: o2.id, input: { decision: "DISMISS", resolution: "记录无误" }, ip: null });
    expect((await current(e.id)).id).toBe(before.id);
  });

  it("an approved repair stops the penalty counting at once and records the commitment", async () => {
    const e = await makeEnterprise();
    const sme = await smeOf(e.id);
    const finance = await makeActor("finance_office");
    const penalty = await addSignal(e.id, { kind: "ADMIN_PENALTY", naturalKey: "罚2", startsOn: new Date(Date.now() - 60 * DAY), severity: "GENERAL", details: { authority: "局" } });
    const grade = await addSignal(e.id, { kind: "TAX_GRADE", naturalKey: "2025", period: "2025", grade: "B" });
    await evaluateEnterprises(prisma, { enterpriseIds: [e.id], trigger: "manual" });
    const before = await current(e.id);

    await expect(raiseObjection({ actor: sme, kind: "REPAIR", signalId: grade.id, reason: "x", commitment: "y", attachment: null, ip: null })).rejects.toMatchObject({ code: "objection.notRepairable" });
    const repair = await raiseObjection({ actor: sme, kind: "REPAIR", signalId: penalty.id, reason: "已整改完毕", commitment: "本企业承诺依法经营", attachment: null, ip: null });
    await expect(decideObjection({ actor: finance, objectionId: repair.id, input: { decision: "WITHDRAW", resolution: "x" }, ip: null })).rejects.toMatchObject({ code: "objection.wrongRemedy" });
    await decideObjection({ actor: finance, objectionId: repair.id, input: { decision: "REPAIR", resolution: "同意修复" }, ip: null });

    expect((await prisma.creditSignal.findUniqueOrThrow({ where: { id: penalty.id } })).repaired).toBe(true);
    const commitment = await prisma.creditSignal.findFirstOrThrow({ where: { enterpriseId: e.id, kind: "CREDIT_COMMITMENT" } });
    expect(commitment.details).toEqual({ matter: "本企业承诺依法经营" });
    const after = await current(e.id);
    expect(after.score).toBeGreaterThan(before.score);
  });

  it("an enterprise cannot dispute another enterprise's record, and an attachment must be a small PDF or image", async () => {
    const e = await makeEnterprise();
    const other = await smeOf((await makeEnterprise()).id);
    const own = await smeOf(e.id);
    const s = await addSignal(e.id, { kind: "TAX_GRADE", naturalKey: "2025", period: "2025", grade: "B" });
    await expect(raiseObjection({ actor: other, kind: "OBJECTION", signalId: s.id, reason: "x", attachment: null, ip: null })).rejects.toMatchObject({ code: "notFound" });
    await expect(
      raiseObjection({ actor: own, kind: "OBJECTION", signalId: s.id, reason: "x", attachment: { name: "a.exe", type: "application/x-msdownload", bytes: new Uint8Array(4) }, ip: null }),
    ).rejects.toMatchObject({ code: "objection.attachmentType" });
    expect(await prisma.creditObjection.count({ where: { signalId: s.id } })).toBe(0);
  });
});
