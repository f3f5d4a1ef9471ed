import { AccountFlags } from "./ledger";

/**
 * The chart of accounts (docs/ledger.md): ledger and code numbers are
 * constants here, never looked up at run time (CONVENTIONS "Ledger
 * discipline"). Accounts are per business owner — a bank, a loan — so every
 * balance answers one question and the ledger's own limits guard it.
 */

/** One ledger per currency: ISO 4217's number for the renminbi. Amounts in 分. */
export const LEDGER_CNY = 156;

/** Account codes: what an account is. */
export const ACCOUNT_CODES = {
  /** A bank's settlement position on the platform: credited by what it lends, debited by what it is repaid. */
  BANK_SETTLEMENT: 1001,
  /** A loan's principal receivable: debited at disbursement, credited by principal repaid; never credited beyond its debits. */
  LOAN_PRINCIPAL: 1101,
  /** A loan's interest received: credited by interest repaid; never debited. */
  LOAN_INTEREST: 4101,
} as const;
export type AccountCode = (typeof ACCOUNT_CODES)[keyof typeof ACCOUNT_CODES];

/** Transfer codes: why money moved. 1xx loans; 2xx are the risk-compensation fund's. */
export const TRANSFER_CODES = {
  LOAN_DISBURSEMENT: 101,
  REPAYMENT_PRINCIPAL: 102,
  REPAYMENT_INTEREST: 103,
} as const;
export type TransferCode = (typeof TRANSFER_CODES)[keyof typeof TRANSFER_CODES];

export type AccountSpec = { ownerType: "institution" | "loan"; ownerId: string; purpose: keyof typeof ACCOUNT_CODES; code: AccountCode; flags: number };

export function bankSettlementAccount(institutionId: string): AccountSpec {
  return { ownerType: "institution", ownerId: institutionId, purpose: "BANK_SETTLEMENT", code: ACCOUNT_CODES.BANK_SETTLEMENT, flags: AccountFlags.history };
}

/** The ledger refuses principal repaid beyond principal lent: credits must not exceed debits. */
export function loanPrincipalAccount(loanId: string): AccountSpec {
  return {
    ownerType: "loan",
    ownerId: loanId,
    purpose: "LOAN_PRINCIPAL",
    code: ACCOUNT_CODES.LOAN_PRINCIPAL,
    flags: AccountFlags.credits_must_not_exceed_debits | AccountFlags.history,
  };
}

export function loanInterestAccount(loanId: string): AccountSpec {
  return {
    ownerType: "loan",
    ownerId: loanId,
    purpose: "LOAN_INTEREST",
    code: ACCOUNT_CODES.LOAN_INTEREST,
    flags: AccountFlags.debits_must_not_exceed_credits | AccountFlags.history,
  };
}

/** A value date as TigerBeetle user_data_64: YYYYMMDD, sortable and readable. */
export function valueDate(day: string): bigint {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`not a day: ${day}`);
  return BigInt(day.replaceAll("-", ""));
}
