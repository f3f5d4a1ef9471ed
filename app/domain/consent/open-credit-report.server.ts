import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { loadCreditProfile } from "~/domain/credit/credit-profile.server";
import { DomainError } from "~/domain/errors";
import { maskMiddle } from "~/i18n/format";
import type { AuthorisationScope } from "~/schemas/credit";
import { recordDataAccess } from "./record-data-access.server";

/** The scope without which no credit report opens; the others add records (SIGNALS) or unmasked contact details (CONTACT) to it. */
export const REPORT_SCOPE = "CREDIT_REPORT" satisfies AuthorisationScope;

/**
 * A bank reads an enterprise's credit report. Only under a live authorisation
 * from that enterprise to the caller's bank that covers the report (CREDIT_REPORT);
 * only the parts its other scopes allow;
 * and every opening is written to the data-access log the enterprise reads.
 * Without a live authorisation the answer says so and nothing is returned.
 */
export async function openCreditReport(options: { actor: Actor; enterpriseId: string; ip: string | null }) {
  const { actor, enterpriseId } = options;
  assertCan(actor, "read:credit-report:authorised");
  const institutionId = actor.institution?.id;
  if (!institutionId) throw new DomainError("forbidden", { status: 403 });

  const enterprise = await prisma.enterprise.findUnique({ where: { id: enterpriseId }, select: { id: true, name: true, uscc: true } });
  if (!enterprise) throw new DomainError("notFound", { status: 404 });
  // Only an authorisation that covers the report itself opens it: SIGNALS and CONTACT add to the report, they do not stand in for it.
  const authorisation = await prisma.authorisation.findFirst({
    where: { enterpriseId, institutionId, revokedAt: null, expiresAt: { gt: new Date() }, scopes: { has: REPORT_SCOPE } },
    orderBy: { expiresAt: "desc" },
    select: { id: true, scopes: true, purpose: true, expiresAt: true },
  });
  if (!authorisation) return { authorised: false as const, enterprise };

  const scopes = new Set(authorisation.scopes);
  await recordDataAccess({
    actor,
    enterpriseId,
    authorisationId: authorisation.id,
    resource: scopes.has("SIGNALS") ? "credit-report+signals" : "credit-report",
    purpose: authorisation.purpose,
    ip: options.ip,
  });
  const profile = await loadCreditProfile(enterpriseId, { signals: scopes.has("SIGNALS") });
  const e = profile.enterprise;
  return {
    authorised: true as const,
    authorisation: { ...authorisation, scopes: [...scopes] },
    profile: {
      ...profile,
      enterprise: {
        ...e,
        // Personal data only under the CONTACT scope; masked otherwise.
        legalRepIdNumber: e.legalRepIdNumber ? (scopes.has("CONTACT") ? e.legalRepIdNumber : maskMiddle(e.legalRepIdNumber, 6, 4)) : null,
        contactPhone: e.contactPhone ? (scopes.has("CONTACT") ? e.contactPhone : maskMiddle(e.contactPhone, 3, 4)) : null,
      },
    },
  };
}
