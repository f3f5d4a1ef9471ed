import {
  accountOf,
  transferOf,
  AccountFlags,
  AMOUNT_MAX,
  ID_MAX,
  TransferFlags,
  type Account,
  type AccountBalance,
  type CreateAccountStatus,
  type CreateTransferStatus,
  type NewAccount,
  type NewTransfer,
  type Transfer,
} from "./ledger";

/**
 * TigerBeetle's state machine for one batch, in memory and pure: the
 * embedded PostgreSQL ledger loads (and locks) what a batch touches, runs it
 * through here, and writes back what changed, all in one database
 * transaction. Events apply in order; a linked chain succeeds or fails as a
 * whole (a failed chain leaves no trace); each event gets TigerBeetle's
 * status. Amounts are bigint: nothing here can overflow silently.
 */

export type LedgerState = {
  /** Every account the batch names, as stored (the caller holds their rows locked). */
  accounts: Map<bigint, Account>;
  /** Existing transfers the batch names: its own ids (for `exists`) and the pending ids it posts or voids. */
  transfers: Map<bigint, Transfer>;
  /** How each existing pending transfer the batch names was resolved, if it was. */
  resolutions: Map<bigint, "posted" | "voided">;
};

export type TransferEffects = {
  results: { status: CreateTransferStatus }[];
  created: Transfer[];
  /** Accounts a transfer touched, as they are now (a failed chain's are back as they were). */
  changed: Map<bigint, Account>;
  /** Balances after each created transfer, for accounts with `history`. */
  history: { account_id: bigint; balance: AccountBalance }[];
};

const has = (flags: number, flag: number) => (flags & flag) !== 0;

function limitStatus(debit: Account, credit: Account, pending: bigint, posted: bigint): CreateTransferStatus | null {
  const amount = pending + posted;
  if (has(debit.flags, AccountFlags.debits_must_not_exceed_credits) && debit.debits_pending + debit.debits_posted + amount > debit.credits_posted) {
    return "exceeds_credits";
  }
  if (has(credit.flags, AccountFlags.credits_must_not_exceed_debits) && credit.credits_pending + credit.credits_posted + amount > credit.debits_posted) {
    return "exceeds_debits";
  }
  return null;
}

function sameTransfer(existing: Transfer, t: NewTransfer): CreateTransferStatus {
  const resolving = has(existing.flags, TransferFlags.post_pending_transfer | TransferFlags.void_pending_transfer);
  // A post or void fills what it left zero from its pending transfer: only what the retry states is compared.
  const differs = (given: bigint | number | undefined, stored: bigint | number) =>
    resolving ? given !== undefined && BigInt(given) !== 0n && BigInt(given) !== BigInt(stored) : BigInt(given ?? 0) !== BigInt(stored);
  if ((t.flags ?? 0) !== existing.flags) return "exists_with_different_flags";
  if (BigInt(t.pending_id ?? 0n) !== existing.pending_id) return "exists_with_different_pending_id";
  if (differs(t.debit_account_id, existing.debit_account_id)) return "exists_with_different_debit_account_id";
  if (differs(t.credit_account_id, existing.credit_account_id)) return "exists_with_different_credit_account_id";
  const fullPost = resolving && (t.amount === undefined || t.amount === AMOUNT_MAX);
  if (!fullPost && differs(t.amount, existing.amount)) return "exists_with_different_amount";
  if (BigInt(t.user_data_128 ?? 0n) !== existing.user_data_128) return "exists_with_different_user_data_128";
  if (BigInt(t.user_data_64 ?? 0n) !== existing.user_data_64) return "exists_with_different_user_data_64";
  if ((t.user_data_32 ?? 0) !== existing.user_data_32) return "exists_with_different_user_data_32";
  if (differs(t.ledger, existing.ledger)) return "exists_with_different_ledger";
  if (differs(t.code, existing.code)) return "exists_with_different_code";
  return "exists";
}

type Outcome = { status: CreateTransferStatus; apply?: () => void; transfer?: Transfer };

/** Validates one transfer against the current state; on success, `apply` makes its effects. */
function evaluate(t: NewTransfer, state: LedgerState, created: Map<bigint, Transfer>, resolutions: Map<bigint, "posted" | "voided">): Outcome {
  const flags = t.flags ?? 0;
  const post = has(flags, TransferFlags.post_pending_transfer);
  const voiding = has(flags, TransferFlags.void_pending_transfer);
  const pending = has(flags, TransferFlags.pending);
  const pendingId = t.pending_id ?? 0n;
  if (t.id === 0n) return { status: "id_must_not_be_zero" };
  if (t.id === ID_MAX) return { status: "id_must_not_be_int_max" };
  if ((pending && (post || voiding)) || (post && voiding)) return { status: "flags_are_mutually_exclusive" };
  if (post || voiding) {
    if (pendingId === 0n) return { status: "pending_id_must_not_be_zero" };
    if (pendingId === t.id) return { status: "pending_id_must_be_different" };
  } else {
    if (pendingId !== 0n) return { status: "pending_id_must_be_zero" };
    if (!t.debit_account_id) return { status: "debit_account_id_must_not_be_zero" };
    if (!t.credit_account_id) return { status: "credit_account_id_must_not_be_zero" };
    if (t.debit_account_id === t.credit_account_id) return { status: "accounts_must_be_different" };
    if (!t.ledger) return { status: "ledger_must_not_be_zero" };
    if (!t.code) return { status: "code_must_not_be_zero" };
  }
  const existing = created.get(t.id) ?? state.transfers.get(t.id);
  if (existing) return { status: sameTransfer(existing, t) };

  if (!post && !voiding) {
    const debit = state.accounts.get(t.debit_account_id!);
    const credit = state.accounts.get(t.credit_account_id!);
    if (!debit) return { status: "debit_account_not_found" };
    if (!credit) return { status: "credit_account_not_found" };
    if (debit.ledger !== credit.ledger) return { status: "accounts_must_have_the_same_ledger" };
    if (t.ledger !== debit.ledger) return { status: "transfer_must_have_the_same_ledger_as_accounts" };
    const amount = t.amount ?? 0n;
    const limited = pending ? limitStatus(debit, credit, amount, 0n) : limitStatus(debit, credit, 0n, amount);
    if (limited) return { status: limited };
    const transfer = storedTransfer(t, { debit: debit.id, credit: credit.id, amount, ledger: debit.ledger, code: t.code! });
    return {
      status: "created",
      transfer,
      apply: () => {
        if (pending) {
          debit.debits_pending += amount;
          credit.credits_pending += amount;
        } else {
          debit.debits_posted += amount;
          credit.credits_posted += amount;
        }
      },
    };
  }

  const p = created.get(pendingId) ?? state.transfers.get(pendingId);
  if (!p) return { status: "pending_transfer_not_found" };
  if (!has(p.flags, TransferFlags.pending)) return { status: "pending_transfer_not_pending" };
  if (t.debit_account_id && t.debit_account_id !== p.debit_account_id) return { status: "pending_transfer_has_different_debit_account_id" };
  if (t.credit_account_id && t.credit_account_id !== p.credit_account_id) return { status: "pending_transfer_has_different_credit_account_id" };
  if (t.ledger && t.ledger !== p.ledger) return { status: "pending_transfer_has_different_ledger" };
  if (t.code && t.code !== p.code) return { status: "pending_transfer_has_different_code" };
  const requested = t.amount ?? 0n;
  let amount: bigint;
  if (post) {
    amount = requested === AMOUNT_MAX ? p.amount : requested;
    if (amount > p.amount) return { status: "exceeds_pending_transfer_amount" };
  } else {
    if (requested !== 0n && requested !== p.amount) return { status: "pending_transfer_has_different_amount" };
    amount = p.amount;
  }
  const resolution = resolutions.get(pendingId) ?? state.resolutions.get(pendingId);
  if (resolution === "posted") return { status: "pending_transfer_already_posted" };
  if (resolution === "voided") return { status: "pending_transfer_already_voided" };
  const debit = state.accounts.get(p.debit_account_id)!;
  const credit = state.accounts.get(p.credit_account_id)!;
  const transfer = storedTransfer(t, { debit: debit.id, credit: credit.id, amount, ledger: p.ledger, code: p.code });
  return {
    status: "created",
    transfer,
    apply: () => {
      debit.debits_pending -= p.amount;
      credit.credits_pending -= p.amount;
      if (post) {
        debit.debits_posted += amount;
        credit.credits_posted += amount;
      }
      resolutions.set(pendingId, post ? "posted" : "voided");
    },
  };
}

/** The transfer as stored: what was submitted, with the accounts, amount, ledger and code it resolved to. */
function storedTransfer(t: NewTransfer, resolved: { debit: bigint; credit: bigint; amount: bigint; ledger: number; code: number }): Transfer {
  return {
    ...transferOf(t),
    debit_account_id: resolved.debit,
    credit_account_id: resolved.credit,
    amount: resolved.amount,
    ledger: resolved.ledger,
    code: resolved.code,
  };
}

const balanceOf = (a: Account, timestamp: bigint): AccountBalance => ({
  debits_pending: a.debits_pending,
  debits_posted: a.debits_posted,
  credits_pending: a.credits_pending,
  credits_posted: a.credits_posted,
  timestamp,
});

/**
 * TigerBeetle's linked chains over a batch, for accounts and transfers alike:
 * a chain runs from an event flagged `linked` through the first event that is
 * not. `attempt(i)` applies event i and returns its status; inside a chain
 * any status but `created` (`exists` too) fails the chain, as does a batch
 * that ends with the chain still open. A failed chain is rolled back
 * (`rollback`, after `begin` at the chain's start) and reports the failing
 * event's status, every other event in it `linked_event_failed`.
 */
function runChains<S extends string>(
  batch: readonly { flags?: number }[],
  linkedFlag: number,
  chain: { begin: () => void; attempt: (i: number) => S; rollback: () => void },
): { status: S | "linked_event_failed" | "linked_event_chain_open" }[] {
  const results: { status: S | "linked_event_failed" | "linked_event_chain_open" }[] = [];
  let start = 0;
  while (start < batch.length) {
    let end = start;
    while (end < batch.length - 1 && has(batch[end]!.flags ?? 0, linkedFlag)) end++;
    const open = has(batch[end]!.flags ?? 0, linkedFlag);
    chain.begin();
    let failedAt = -1;
    let failure: S | "linked_event_chain_open" | null = null;
    for (let i = start; i <= end; i++) {
      if (open && i === end) {
        failedAt = i;
        failure = "linked_event_chain_open";
        break;
      }
      const status = chain.attempt(i);
      results[i] = { status };
      if (status !== "created" && end > start) {
        failedAt = i;
        failure = status;
        break;
      }
    }
    if (failedAt >= 0) {
      chain.rollback();
      for (let i = start; i <= end; i++) results[i] = { status: i === failedAt ? failure! : "linked_event_failed" };
    }
    start = end + 1;
  }
  return results;
}

/**
 * Runs a batch of transfers. `timestamps` hands out the ledger's strictly
 * increasing timestamps (one per created transfer). The state's accounts are
 * updated in place; a failed chain restores them.
 */
export function applyTransfers(batch: readonly NewTransfer[], state: LedgerState, timestamps: () => bigint): TransferEffects {
  const created = new Map<bigint, Transfer>();
  const resolutions = new Map<bigint, "posted" | "voided">();
  const changed = new Map<bigint, Account>();
  const history: TransferEffects["history"] = [];
  // Undo log for the chain being run: account balances and what the chain created or resolved.
  let saved = new Map<bigint, Account>();
  let chainCreated: bigint[] = [];
  let chainResolved: bigint[] = [];
  let chainHistory = 0;
  const results = runChains<CreateTransferStatus>(batch, TransferFlags.linked, {
    begin: () => {
      saved = new Map();
      chainCreated = [];
      chainResolved = [];
      chainHistory = history.length;
    },
    attempt: (i) => {
      const outcome = evaluate(batch[i]!, state, created, resolutions);
      if (outcome.status !== "created") return outcome.status;
      const transfer = outcome.transfer!;
      for (const id of [transfer.debit_account_id, transfer.credit_account_id]) {
        if (!saved.has(id)) saved.set(id, { ...state.accounts.get(id)! });
      }
      const pendingBefore = resolutions.has(transfer.pending_id);
      outcome.apply!();
      if (transfer.pending_id !== 0n && !pendingBefore) chainResolved.push(transfer.pending_id);
      transfer.timestamp = timestamps();
      created.set(transfer.id, transfer);
      chainCreated.push(transfer.id);
      for (const id of [transfer.debit_account_id, transfer.credit_account_id]) {
        const account = state.accounts.get(id)!;
        changed.set(id, account);
        if (has(account.flags, AccountFlags.history)) history.push({ account_id: id, balance: balanceOf(account, transfer.timestamp) });
      }
      return "created";
    },
    rollback: () => {
      for (const [id, before] of saved) Object.assign(state.accounts.get(id)!, before);
      for (const id of chainCreated) created.delete(id);
      for (const id of chainResolved) resolutions.delete(id);
      history.length = chainHistory;
    },
  });
  return { results, created: [...created.values()], changed, history };
}

/** Validates new accounts the way TigerBeetle does; `existing` holds stored accounts with the batch's ids. */
export function applyAccounts(
  batch: readonly NewAccount[],
  existing: Map<bigint, Account>,
  timestamps: () => bigint,
): { results: { status: CreateAccountStatus }[]; created: Account[] } {
  const created = new Map<bigint, Account>();
  let chainCreated: bigint[] = [];
  const results = runChains<CreateAccountStatus>(batch, AccountFlags.linked, {
    begin: () => {
      chainCreated = [];
    },
    attempt: (i) => {
      const a = batch[i]!;
      const status = accountStatus(a, created.get(a.id) ?? existing.get(a.id));
      if (status === "created") {
        created.set(a.id, accountOf(a, timestamps()));
        chainCreated.push(a.id);
      }
      return status;
    },
    rollback: () => {
      for (const id of chainCreated) created.delete(id);
    },
  });
  return { results, created: [...created.values()] };
}

function accountStatus(a: NewAccount, existing: Account | undefined): CreateAccountStatus {
  if (a.id === 0n) return "id_must_not_be_zero";
  if (a.id === ID_MAX) return "id_must_not_be_int_max";
  const flags = a.flags ?? 0;
  if (has(flags, AccountFlags.debits_must_not_exceed_credits) && has(flags, AccountFlags.credits_must_not_exceed_debits)) {
    return "flags_are_mutually_exclusive";
  }
  if (a.ledger === 0) return "ledger_must_not_be_zero";
  if (a.code === 0) return "code_must_not_be_zero";
  if (!existing) return "created";
  // The linked flag describes the request, not the account.
  if ((flags & ~AccountFlags.linked) !== (existing.flags & ~AccountFlags.linked)) return "exists_with_different_flags";
  if ((a.user_data_128 ?? 0n) !== existing.user_data_128) return "exists_with_different_user_data_128";
  if ((a.user_data_64 ?? 0n) !== existing.user_data_64) return "exists_with_different_user_data_64";
  if ((a.user_data_32 ?? 0) !== existing.user_data_32) return "exists_with_different_user_data_32";
  if (a.ledger !== existing.ledger) return "exists_with_different_ledger";
  if (a.code !== existing.code) return "exists_with_different_code";
  return "exists";
}
