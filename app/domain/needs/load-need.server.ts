import { prisma } from "~/db.server";
import { assertCan, type Actor } from "~/domain/access/actor.server";
import { platformToday } from "~/domain/credit/build-snapshot";
import { DomainError } from "~/domain/errors";
import { formatCalendarDate } from "~/i18n/format";
import { ACTIVE_NEED_STATUSES, isNeedId, isPastDue, ownerCommands } from "./need-rules";

/** A need's terms, as both its owner and a bank see them. */
const NEED_TERMS = {
  id: true,
  amountFen: true,
  termMonths: true,
  purpose: true,
  maxRateBps: true,
  guaranteeTypes: true,
  urgency: true,
  expiresOn: true,
  status: true,
  version: true,
  createdAt: true,
  updatedAt: true,
  closedAt: true,
} as const;

type NeedTermsRow = {
  id: string;
  amountFen: bigint;
  termMonths: number;
  purpose: string;
  maxRateBps: number;
  guaranteeTypes: string[];
  urgency: string;
  expiresOn: Date;
  status: string;
  createdAt: Date;
};

/** A need's terms as pages carry them: money as text (JSON has no bigint), the expiry as YYYY-MM-DD, times as ISO text. */
export function serialiseNeedTerms(need: NeedTermsRow) {
  return {
    id: need.id,
    amountFen: need.amountFen.toString(),
    termMonths: need.termMonths,
    purpose: need.purpose,
    maxRateBps: need.maxRateBps,
    guaranteeTypes: need.guaranteeTypes,
    urgency: need.urgency,
    expiresOn: formatCalendarDate(need.expiresOn),
    status: need.status,
    createdAt: need.createdAt.toISOString(),
  };
}

/** Claims shown per need: far more banks than any city has. */
const MAX_CLAIMS = 100;

/** One of the SME's own needs, with every bank that took it up and what the SME may do now. Another enterprise's need is "not found". */
export async function loadOwnNeed(options: { actor: Actor; needId: string }) {
  const { actor } = options;
  assertCan(actor, "manage:need:own");
  const enterpriseId = actor.enterprise?.id;
  if (!enterpriseId) throw new DomainError("forbidden", { status: 403 });
  if (!isNeedId(options.needId)) throw new DomainError("notFound", { status: 404 });
  const need = await prisma.financingNeed.findFirst({
    where: { id: options.needId, enterpriseId },
    select: {
      ...NEED_TERMS,
      closeReason: true,
      claims: {
        orderBy: { at: "asc" },
        take: MAX_CLAIMS,
        select: { id: true, at: true, institution: { select: { id: true, nameZh: true, nameEn: true } } },
      },
    },
  });
  if (!need) throw new DomainError("notFound", { status: 404 });
  const pastDue = isPastDue(need.expiresOn, platformToday());
  // A past-due need the hourly job has not reached yet is treated as expired: it can be closed, not edited.
  const commands = ownerCommands(need.status).filter((c) => !(pastDue && c === "edit"));
  return { need, commands, pastDue };
}

/**
 * A need as a bank sees it: while it is open or in progress, or at any time
 * once this bank has taken it up. The enterprise appears by its business facts
 * only — never the legal representative's ID number or a phone number — and
 * other banks' claims are not shown.
 */
export async function loadNeedForBank(options: { actor: Actor; needId: string }) {
  const { actor } = options;
  assertCan(actor, "read:need-inbox:institution");
  const institutionId = actor.institution?.id;
  if (!institutionId || actor.institution?.kind !== "BANK") throw new DomainError("forbidden", { status: 403 });
  if (!isNeedId(options.needId)) throw new DomainError("notFound", { status: 404 });
  const need = await prisma.financingNeed.findFirst({
    where: {
      id: options.needId,
      OR: [{ status: { in: [...ACTIVE_NEED_STATUSES] } }, { claims: { some: { institutionId } } }],
    },
    select: {
      ...NEED_TERMS,
      enterprise: { select: { name: true, regionCode: true, industryCode: true, size: true, foundedOn: true } },
      claims: { where: { institutionId }, take: 1, select: { at: true, userId: true } },
    },
  });
  if (!need) throw new DomainError("notFound", { status: 404 });
  const { claims, ...rest } = need;
  const ownClaim = claims[0] ?? null;
  const claimable = !ownClaim && ACTIVE_NEED_STATUSES.includes(need.status) && !isPastDue(need.expiresOn, platformToday());
  return { need: rest, ownClaim: ownClaim ? { at: ownClaim.at } : null, claimable };
}
