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
  // ── The risk-compensation fund (docs/ledger.md): money accounts, and quota accounts that make every cap a balance. ──
  /** A fund's approved budget, granted once to its treasury account. */
  FUND_BUDGET: 2000,
  /** What the treasury may still contribute: contributions can never exceed the budget. */
  FUND_TREASURY: 2001,
  /** The fund's money: credited by contributions and recoveries, debited by compensation; never overdrawn, reservations included. */
  FUND_POOL: 2101,
  /** What the fund paid a bank, less what the bank shared back from recoveries. */
  FUND_BANK_COMPENSATION: 2201,
  /** The source of a fund's quotas (caps and recoverable amounts); unlimited by design. */
  FUND_QUOTA: 2900,
  /** A loan's compensation cap under the rules it was disbursed under; never debited beyond it. */
  FUND_LOAN_CAP: 2301,
  /** A bank's compensation cap for one year; never debited beyond it. */
  FUND_BANK_YEAR_CAP: 2302,
  /** Where consumed cap goes. */
  FUND_CAP_USED: 2303,
  /** What a bank may still share back for a loan: credited by what the fund paid, debited by recoveries shared. */
  FUND_LOAN_RECOVERABLE: 2401,
} as const;
export type AccountCode = (typeof ACCOUNT_CODES)[keyof typeof ACCOUNT_CODES];

/** Transfer codes: why money moved. 1xx loans; 2xx the risk-compensation fund's. */
export const TRANSFER_CODES = {
  LOAN_DISBURSEMENT: 101,
  REPAYMENT_PRINCIPAL: 102,
  REPAYMENT_INTEREST: 103,
  FUND_BUDGET_GRANT: 200,
  FUND_CONTRIBUTION: 201,
  /** Pending: the fund's money reserved for a claim (posted in full or in part on approval, voided on rejection). */
  CLAIM_COMPENSATION: 202,
  /** Pending, linked to the reservation: the loan's cap consumed. */
  CLAIM_LOAN_CAP: 203,
  /** Pending, linked to the reservation: the bank's yearly cap consumed. */
  CLAIM_BANK_YEAR_CAP: 204,
  /** Linked to an approval: what the bank may later share back for the loan. */
  CLAIM_RECOVERABLE: 205,
  LOAN_CAP_GRANT: 206,
  BANK_YEAR_CAP_GRANT: 207,
  /** A recovery's share flowing back from the bank to the fund. */
  RECOVERY_SHARE: 208,
  /** Linked to a recovery share: the loan's recoverable amount consumed. */
  RECOVERY_RECOVERABLE: 209,
} as const;
export type TransferCode = (typeof TRANSFER_CODES)[keyof typeof TRANSFER_CODES];

export type AccountSpec = {
  ownerType: "institution" | "loan" | "fund" | "fund-bank" | "fund-bank-year" | "fund-loan";
  ownerId: string;
  purpose: keyof typeof ACCOUNT_CODES;
  code: AccountCode;
  flags: number;
};

const LIMITED = AccountFlags.debits_must_not_exceed_credits | AccountFlags.history;

/** The fund's own accounts, in the order they are prepared at its creation. */
export function fundAccounts(fundId: string): AccountSpec[] {
  const own = (purpose: "FUND_BUDGET" | "FUND_TREASURY" | "FUND_POOL" | "FUND_QUOTA" | "FUND_CAP_USED", flags: number): AccountSpec => ({
    ownerType: "fund",
    ownerId: fundId,
    purpose,
    code: ACCOUNT_CODES[purpose],
    flags,
  });
  return [
    own("FUND_BUDGET", AccountFlags.history),
    own("FUND_TREASURY", LIMITED),
    own("FUND_POOL", LIMITED),
    own("FUND_QUOTA", AccountFlags.history),
    own("FUND_CAP_USED", AccountFlags.history),
  ];
}

/** What the fund paid a bank (a bank never shares back more than it received). */
export function fundBankAccount(fundId: string, institutionId: string): AccountSpec {
  return {
    ownerType: "fund-bank",
    ownerId: `${fundId}:${institutionId}`,
    purpose: "FUND_BANK_COMPENSATION",
    code: ACCOUNT_CODES.FUND_BANK_COMPENSATION,
    flags: LIMITED,
  };
}

export function fundBankYearCapAccount(fundId: string, institutionId: string, year: number): AccountSpec {
  return {
    ownerType: "fund-bank-year",
    ownerId: `${fundId}:${institutionId}:${year}`,
    purpose: "FUND_BANK_YEAR_CAP",
    code: ACCOUNT_CODES.FUND_BANK_YEAR_CAP,
    flags: LIMITED,
  };
}

export function fundLoanCapAccount(fundId: string, loanId: string): AccountSpec {
  return { ownerType: "fund-loan", ownerId: `${fundId}:${loanId}`, purpose: "FUND_LOAN_CAP", code: ACCOUNT_CODES.FUND_LOAN_CAP, flags: LIMITED };
}

export function fundLoanRecoverableAccount(fundId: string, loanId: string): AccountSpec {
  return {
    ownerType: "fund-loan",
    ownerId: `${fundId}:${loanId}`,
    purpose: "FUND_LOAN_RECOVERABLE",
    code: ACCOUNT_CODES.FUND_LOAN_RECOVERABLE,
    flags: LIMITED,
  };
}

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
