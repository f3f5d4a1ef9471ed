/**
 * The Ledger port: TigerBeetle's data model and semantics, which both
 * implementations honour — TigerBeetle itself through `tigerbeetle-node`
 * (tigerbeetle-ledger.server.ts) and the embedded PostgreSQL implementation
 * (postgres-ledger.server.ts). Field names, flags and result statuses are
 * TigerBeetle's, so a reader of its documentation reads this code, and one
 * contract test suite (tests/contract/ledger.test.ts) runs against both.
 *
 * Ids are 128-bit and are the idempotency key: an id is generated and stored
 * with the business record before submission and reused on retry, so
 * `exists` means "already done" (ADR 0003). Amounts are integers in the
 * ledger's smallest unit (分 for CNY).
 */

export const AccountFlags = {
  none: 0,
  linked: 1 << 0,
  debits_must_not_exceed_credits: 1 << 1,
  credits_must_not_exceed_debits: 1 << 2,
  history: 1 << 3,
} as const;

export const TransferFlags = {
  none: 0,
  linked: 1 << 0,
  pending: 1 << 1,
  post_pending_transfer: 1 << 2,
  void_pending_transfer: 1 << 3,
} as const;

/** Posting a pending transfer with this amount posts all of it (TigerBeetle's AMOUNT_MAX). */
export const AMOUNT_MAX = (1n << 128n) - 1n;
export const ID_MAX = (1n << 128n) - 1n;
/** The most events one request carries (TigerBeetle's batch limit). */
export const BATCH_MAX = 8189;

export type Account = {
  id: bigint;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  user_data_128: bigint;
  user_data_64: bigint;
  user_data_32: number;
  ledger: number;
  code: number;
  flags: number;
  timestamp: bigint;
};

export type Transfer = {
  id: bigint;
  debit_account_id: bigint;
  credit_account_id: bigint;
  amount: bigint;
  pending_id: bigint;
  user_data_128: bigint;
  user_data_64: bigint;
  user_data_32: number;
  /** Seconds a pending transfer may stay pending (0: no timeout). */
  timeout: number;
  ledger: number;
  code: number;
  flags: number;
  timestamp: bigint;
};

/** What a caller supplies: balances and timestamp are the ledger's to set. */
export type NewAccount = Pick<Account, "id" | "ledger" | "code"> & Partial<Pick<Account, "flags" | "user_data_128" | "user_data_64" | "user_data_32">>;
/**
 * Pending transfers never time out on this platform: a reservation stands
 * until someone decides it (a claim until the finance office rules on it), so
 * the port carries no `timeout` and both implementations submit 0.
 */
export type NewTransfer = Pick<Transfer, "id"> & Partial<Omit<Transfer, "id" | "timestamp" | "timeout">>;

/** A new account as the ledger holds it: zero balances, and what the caller left out as zero. */
export function accountOf(a: NewAccount, timestamp: bigint): Account {
  return {
    id: a.id,
    debits_pending: 0n,
    debits_posted: 0n,
    credits_pending: 0n,
    credits_posted: 0n,
    user_data_128: a.user_data_128 ?? 0n,
    user_data_64: a.user_data_64 ?? 0n,
    user_data_32: a.user_data_32 ?? 0,
    ledger: a.ledger,
    code: a.code,
    flags: a.flags ?? 0,
    timestamp,
  };
}

/** A transfer as submitted: what the caller left out is zero (a post or void takes the rest from its pending transfer). */
export function transferOf(t: NewTransfer): Transfer {
  return {
    id: t.id,
    debit_account_id: t.debit_account_id ?? 0n,
    credit_account_id: t.credit_account_id ?? 0n,
    amount: t.amount ?? 0n,
    pending_id: t.pending_id ?? 0n,
    user_data_128: t.user_data_128 ?? 0n,
    user_data_64: t.user_data_64 ?? 0n,
    user_data_32: t.user_data_32 ?? 0,
    timeout: 0,
    ledger: t.ledger ?? 0,
    code: t.code ?? 0,
    flags: t.flags ?? 0,
    timestamp: 0n,
  };
}

export type AccountBalance = {
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  timestamp: bigint;
};

export const AccountFilterFlags = { none: 0, debits: 1 << 0, credits: 1 << 1, reversed: 1 << 2 } as const;

export type AccountFilter = {
  account_id: bigint;
  /** Inclusive bounds on the transfer's timestamp; 0 means unbounded. */
  timestamp_min?: bigint;
  timestamp_max?: bigint;
  limit: number;
  /** debits and/or credits (at least one), optionally reversed (newest first). */
  flags: number;
};

export const CREATE_ACCOUNT_STATUSES = [
  "created",
  "exists",
  "linked_event_failed",
  "linked_event_chain_open",
  "id_must_not_be_zero",
  "id_must_not_be_int_max",
  "flags_are_mutually_exclusive",
  "ledger_must_not_be_zero",
  "code_must_not_be_zero",
  "exists_with_different_flags",
  "exists_with_different_user_data_128",
  "exists_with_different_user_data_64",
  "exists_with_different_user_data_32",
  "exists_with_different_ledger",
  "exists_with_different_code",
] as const;
export type CreateAccountStatus = (typeof CREATE_ACCOUNT_STATUSES)[number];

export const CREATE_TRANSFER_STATUSES = [
  "created",
  "exists",
  "linked_event_failed",
  "linked_event_chain_open",
  "id_must_not_be_zero",
  "id_must_not_be_int_max",
  "flags_are_mutually_exclusive",
  "debit_account_id_must_not_be_zero",
  "credit_account_id_must_not_be_zero",
  "accounts_must_be_different",
  "pending_id_must_be_zero",
  "pending_id_must_not_be_zero",
  "pending_id_must_be_different",
  "ledger_must_not_be_zero",
  "code_must_not_be_zero",
  "debit_account_not_found",
  "credit_account_not_found",
  "accounts_must_have_the_same_ledger",
  "transfer_must_have_the_same_ledger_as_accounts",
  "pending_transfer_not_found",
  "pending_transfer_not_pending",
  "pending_transfer_has_different_debit_account_id",
  "pending_transfer_has_different_credit_account_id",
  "pending_transfer_has_different_ledger",
  "pending_transfer_has_different_code",
  "exceeds_pending_transfer_amount",
  "pending_transfer_has_different_amount",
  "pending_transfer_already_posted",
  "pending_transfer_already_voided",
  "exists_with_different_flags",
  "exists_with_different_pending_id",
  "exists_with_different_debit_account_id",
  "exists_with_different_credit_account_id",
  "exists_with_different_amount",
  "exists_with_different_user_data_128",
  "exists_with_different_user_data_64",
  "exists_with_different_user_data_32",
  "exists_with_different_ledger",
  "exists_with_different_code",
  "exceeds_credits",
  "exceeds_debits",
] as const;
export type CreateTransferStatus = (typeof CREATE_TRANSFER_STATUSES)[number];

/** One result per event, in the batch's order. */
export type CreateAccountResult = { status: CreateAccountStatus };
export type CreateTransferResult = { status: CreateTransferStatus };

/** `created` and `exists` both mean the event now stands: the success of an idempotent command. */
export function succeeded(result: { status: string }): boolean {
  return result.status === "created" || result.status === "exists";
}

export interface Ledger {
  readonly backend: "postgres" | "tigerbeetle";
  createAccounts(batch: readonly NewAccount[]): Promise<CreateAccountResult[]>;
  createTransfers(batch: readonly NewTransfer[]): Promise<CreateTransferResult[]>;
  lookupAccounts(ids: readonly bigint[]): Promise<Account[]>;
  lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]>;
  /** An account's transfers, oldest first unless `reversed`. */
  getAccountTransfers(filter: AccountFilter): Promise<Transfer[]>;
  /** An account's balances after each of its transfers (accounts with `history` only). */
  getAccountBalances(filter: AccountFilter): Promise<AccountBalance[]>;
  close(): Promise<void>;
}
