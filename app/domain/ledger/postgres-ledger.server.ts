import type { Db, Tx } from "~/db.server";
import { applyAccounts, applyTransfers } from "./engine";
import {
  AccountFilterFlags,
  BATCH_MAX,
  type Account,
  type AccountBalance,
  type AccountFilter,
  type CreateAccountResult,
  type CreateTransferResult,
  type Ledger,
  type NewAccount,
  type NewTransfer,
  type Transfer,
} from "./ledger";

/**
 * The embedded ledger: TigerBeetle's semantics on PostgreSQL (ADR 0014).
 * Every write is one transaction that takes the ledger's advisory lock (one
 * writer at a time, as TigerBeetle applies one batch at a time), reads and
 * locks what the batch names, runs it through the pure state machine
 * (engine.ts), and writes the new transfers, balance history and balances.
 * The tables refuse what the machine must never produce: an overdraft on a
 * flagged account (CHECK), a second resolution of a pending transfer (unique
 * pending_id), any change to a transfer (trigger).
 */

const LEDGER_LOCK_KEY = 7_302_026_14;
const U128_MAX = (1n << 128n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

export function u128ToUuid(value: bigint): string {
  if (value < 0n || value > U128_MAX) throw new RangeError(`not a u128: ${value}`);
  const h = value.toString(16).padStart(32, "0");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function uuidToU128(uuid: string): bigint {
  return BigInt(`0x${uuid.replace(/-/g, "")}`);
}

function assertBatch(size: number): void {
  if (size > BATCH_MAX) throw new RangeError(`a ledger batch holds at most ${BATCH_MAX} events, not ${size}`);
}

function assertU64(value: bigint | undefined, field: string): void {
  if (value !== undefined && (value < 0n || value > U64_MAX)) throw new RangeError(`${field} is not a u64`);
}

function assertU128(value: bigint | undefined, field: string): void {
  if (value !== undefined && (value < 0n || value > U128_MAX)) throw new RangeError(`${field} is not a u128`);
}

type AccountRow = {
  id: string;
  debits_pending: string;
  debits_posted: string;
  credits_pending: string;
  credits_posted: string;
  user_data_128: string;
  user_data_64: string;
  user_data_32: string;
  ledger: string;
  code: number;
  flags: number;
  timestamp: string;
};

type TransferRow = {
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  pending_id: string | null;
  user_data_128: string;
  user_data_64: string;
  user_data_32: string;
  ledger: string;
  code: number;
  flags: number;
  timestamp: string;
};

const accountOf = (r: AccountRow): Account => ({
  id: uuidToU128(r.id),
  debits_pending: BigInt(r.debits_pending),
  debits_posted: BigInt(r.debits_posted),
  credits_pending: BigInt(r.credits_pending),
  credits_posted: BigInt(r.credits_posted),
  user_data_128: uuidToU128(r.user_data_128),
  user_data_64: BigInt(r.user_data_64),
  user_data_32: Number(r.user_data_32),
  ledger: Number(r.ledger),
  code: r.code,
  flags: r.flags,
  timestamp: BigInt(r.timestamp),
});

const transferOf = (r: TransferRow): Transfer => ({
  id: uuidToU128(r.id),
  debit_account_id: uuidToU128(r.debit_account_id),
  credit_account_id: uuidToU128(r.credit_account_id),
  amount: BigInt(r.amount),
  pending_id: r.pending_id ? uuidToU128(r.pending_id) : 0n,
  user_data_128: uuidToU128(r.user_data_128),
  user_data_64: BigInt(r.user_data_64),
  user_data_32: Number(r.user_data_32),
  timeout: 0,
  ledger: Number(r.ledger),
  code: r.code,
  flags: r.flags,
  timestamp: BigInt(r.timestamp),
});

const ACCOUNT_COLUMNS = `id::text AS id, debits_pending::text AS debits_pending, debits_posted::text AS debits_posted,
  credits_pending::text AS credits_pending, credits_posted::text AS credits_posted, user_data_128::text AS user_data_128,
  user_data_64::text AS user_data_64, user_data_32::text AS user_data_32, ledger::text AS ledger, code, flags, timestamp::text AS timestamp`;
const TRANSFER_COLUMNS = `id::text AS id, debit_account_id::text AS debit_account_id, credit_account_id::text AS credit_account_id,
  amount::text AS amount, pending_id::text AS pending_id, user_data_128::text AS user_data_128, user_data_64::text AS user_data_64,
  user_data_32::text AS user_data_32, ledger::text AS ledger, code, flags, timestamp::text AS timestamp`;

async function loadAccounts(tx: Tx | Db, ids: readonly bigint[], lock: boolean): Promise<Map<bigint, Account>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRawUnsafe<AccountRow[]>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = ANY($1::uuid[]) ORDER BY id${lock ? " FOR UPDATE" : ""}`,
    [...new Set(ids)].map(u128ToUuid),
  );
  return new Map(rows.map((r) => [uuidToU128(r.id), accountOf(r)]));
}

async function loadTransfers(tx: Tx | Db, ids: readonly bigint[]): Promise<Map<bigint, Transfer>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRawUnsafe<TransferRow[]>(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = ANY($1::uuid[])`, [
    ...new Set(ids),
  ].map(u128ToUuid));
  return new Map(rows.map((r) => [uuidToU128(r.id), transferOf(r)]));
}

/**
 * The ledger's clock: nanoseconds since the epoch, strictly increasing across
 * accounts and transfers (each timestamp is unique, as in TigerBeetle).
 */
async function clock(tx: Tx): Promise<() => bigint> {
  const [row] = await tx.$queryRawUnsafe<{ last: string | null; now: string }[]>(
    `SELECT greatest((SELECT max(timestamp) FROM ledger_transfers), (SELECT max(timestamp) FROM ledger_accounts))::text AS last,
            (extract(epoch FROM clock_timestamp()) * 1000000000)::bigint::text AS now`,
  );
  let next = BigInt(row!.now);
  if (row!.last !== null && BigInt(row!.last) >= next) next = BigInt(row!.last) + 1n;
  return () => next++;
}

export function createPostgresLedger(db: Db): Ledger {
  const write = <T>(work: (tx: Tx) => Promise<T>) =>
    db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`);
      return work(tx);
    }, { timeout: 60_000, maxWait: 30_000 });

  return {
    backend: "postgres",

    async createAccounts(batch: readonly NewAccount[]): Promise<CreateAccountResult[]> {
      assertBatch(batch.length);
      for (const a of batch) {
        assertU128(a.id, "id");
        assertU128(a.user_data_128, "user_data_128");
        assertU64(a.user_data_64, "user_data_64");
      }
      if (batch.length === 0) return [];
      return write(async (tx) => {
        const existing = await loadAccounts(tx, batch.map((a) => a.id), true);
        const { results, created } = applyAccounts(batch, existing, await clock(tx));
        if (created.length > 0) {
          await tx.$executeRawUnsafe(
            `INSERT INTO ledger_accounts (id, debits_pending, debits_posted, credits_pending, credits_posted, user_data_128, user_data_64, user_data_32, ledger, code, flags, timestamp)
             SELECT u.id, 0, 0, 0, 0, u.ud128, u.ud64::numeric, u.ud32, u.ledger, u.code, u.flags, u.ts::bigint
               FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::bigint[], $5::bigint[], $6::int[], $7::int[], $8::text[])
                 AS u(id, ud128, ud64, ud32, ledger, code, flags, ts)`,
            created.map((a) => u128ToUuid(a.id)),
            created.map((a) => u128ToUuid(a.user_data_128)),
            created.map((a) => a.user_data_64.toString()),
            created.map((a) => a.user_data_32),
            created.map((a) => a.ledger),
            created.map((a) => a.code),
            created.map((a) => a.flags),
            created.map((a) => a.timestamp.toString()),
          );
        }
        return results;
      });
    },

    async createTransfers(batch: readonly NewTransfer[]): Promise<CreateTransferResult[]> {
      assertBatch(batch.length);
      for (const t of batch) {
        for (const field of ["id", "debit_account_id", "credit_account_id", "amount", "pending_id", "user_data_128"] as const) assertU128(t[field], field);
        assertU64(t.user_data_64, "user_data_64");
      }
      if (batch.length === 0) return [];
      return write(async (tx) => {
        const pendingIds = batch.map((t) => t.pending_id ?? 0n).filter((id) => id !== 0n);
        const transfers = await loadTransfers(tx, [...batch.map((t) => t.id), ...pendingIds]);
        const accountIds = [
          ...batch.flatMap((t) => [t.debit_account_id ?? 0n, t.credit_account_id ?? 0n]),
          ...[...transfers.values()].flatMap((t) => [t.debit_account_id, t.credit_account_id]),
        ].filter((id) => id !== 0n);
        const accounts = await loadAccounts(tx, accountIds, true);
        const resolutions = new Map<bigint, "posted" | "voided">();
        if (pendingIds.length > 0) {
          const resolved = await tx.$queryRawUnsafe<{ pending_id: string; flags: number }[]>(
            `SELECT pending_id::text AS pending_id, flags FROM ledger_transfers WHERE pending_id = ANY($1::uuid[])`,
            pendingIds.map(u128ToUuid),
          );
          for (const r of resolved) resolutions.set(uuidToU128(r.pending_id), (r.flags & 4) !== 0 ? "posted" : "voided");
        }
        const effects = applyTransfers(batch, { accounts, transfers, resolutions }, await clock(tx));
        const created = effects.created;
        if (created.length > 0) {
          await tx.$executeRawUnsafe(
            `INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, pending_id, user_data_128, user_data_64, user_data_32, ledger, code, flags, timestamp)
             SELECT u.id, u.debit, u.credit, u.amount::numeric, u.pending, u.ud128, u.ud64::numeric, u.ud32, u.ledger, u.code, u.flags, u.ts::bigint
               FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::bigint[], $9::bigint[], $10::int[], $11::int[], $12::text[])
                 AS u(id, debit, credit, amount, pending, ud128, ud64, ud32, ledger, code, flags, ts)`,
            created.map((t) => u128ToUuid(t.id)),
            created.map((t) => u128ToUuid(t.debit_account_id)),
            created.map((t) => u128ToUuid(t.credit_account_id)),
            created.map((t) => t.amount.toString()),
            created.map((t) => (t.pending_id === 0n ? null : u128ToUuid(t.pending_id))),
            created.map((t) => u128ToUuid(t.user_data_128)),
            created.map((t) => t.user_data_64.toString()),
            created.map((t) => t.user_data_32),
            created.map((t) => t.ledger),
            created.map((t) => t.code),
            created.map((t) => t.flags),
            created.map((t) => t.timestamp.toString()),
          );
          const changed = [...effects.changed.values()];
          await tx.$executeRawUnsafe(
            `UPDATE ledger_accounts AS a
                SET debits_pending = u.dp::numeric, debits_posted = u.dq::numeric, credits_pending = u.cp::numeric, credits_posted = u.cq::numeric
               FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, dp, dq, cp, cq)
              WHERE a.id = u.id`,
            changed.map((a) => u128ToUuid(a.id)),
            changed.map((a) => a.debits_pending.toString()),
            changed.map((a) => a.debits_posted.toString()),
            changed.map((a) => a.credits_pending.toString()),
            changed.map((a) => a.credits_posted.toString()),
          );
          if (effects.history.length > 0) {
            const h = effects.history;
            await tx.$executeRawUnsafe(
              `INSERT INTO ledger_account_balances (account_id, timestamp, debits_pending, debits_posted, credits_pending, credits_posted)
               SELECT u.id, u.ts::bigint, u.dp::numeric, u.dq::numeric, u.cp::numeric, u.cq::numeric
                 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS u(id, ts, dp, dq, cp, cq)`,
              h.map((x) => u128ToUuid(x.account_id)),
              h.map((x) => x.balance.timestamp.toString()),
              h.map((x) => x.balance.debits_pending.toString()),
              h.map((x) => x.balance.debits_posted.toString()),
              h.map((x) => x.balance.credits_pending.toString()),
              h.map((x) => x.balance.credits_posted.toString()),
            );
          }
        }
        return effects.results;
      });
    },

    async lookupAccounts(ids: readonly bigint[]): Promise<Account[]> {
      assertBatch(ids.length);
      const found = await loadAccounts(db, ids, false);
      // In the order asked for; ids not found are left out, as TigerBeetle does.
      return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
    },

    async lookupTransfers(ids: readonly bigint[]): Promise<Transfer[]> {
      assertBatch(ids.length);
      const found = await loadTransfers(db, ids);
      return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
    },

    async getAccountTransfers(filter: AccountFilter): Promise<Transfer[]> {
      const { where, order, limit } = filterSql(filter);
      const rows = await db.$queryRawUnsafe<TransferRow[]>(
        `SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers t WHERE ${where} ORDER BY t.timestamp ${order} LIMIT ${limit}`,
        u128ToUuid(filter.account_id),
      );
      return rows.map(transferOf);
    },

    async getAccountBalances(filter: AccountFilter): Promise<AccountBalance[]> {
      // Balances are recorded per transfer on the account; the filter (sides, time bounds) selects which transfers count.
      const { where, order, limit } = filterSql(filter);
      const rows = await db.$queryRawUnsafe<{ debits_pending: string; debits_posted: string; credits_pending: string; credits_posted: string; timestamp: string }[]>(
        `SELECT b.debits_pending::text AS debits_pending, b.debits_posted::text AS debits_posted, b.credits_pending::text AS credits_pending,
                b.credits_posted::text AS credits_posted, b.timestamp::text AS timestamp
           FROM ledger_account_balances b JOIN ledger_transfers t ON t.timestamp = b.timestamp
          WHERE b.account_id = $1::uuid AND ${where}
          ORDER BY b.timestamp ${order} LIMIT ${limit}`,
        u128ToUuid(filter.account_id),
      );
      return rows.map((r) => ({
        debits_pending: BigInt(r.debits_pending),
        debits_posted: BigInt(r.debits_posted),
        credits_pending: BigInt(r.credits_pending),
        credits_posted: BigInt(r.credits_posted),
        timestamp: BigInt(r.timestamp),
      }));
    },

    async close() {
      // The Prisma client is the process's own, closed with it.
    },
  };
}

/** Bound on what one query returns (TigerBeetle's limit for a batch of results). */
const QUERY_LIMIT_MAX = 8189;

/** The filter as a condition on transfers aliased `t`, the account id being $1: its sides and time bounds. */
function filterSql(filter: AccountFilter) {
  if (!Number.isInteger(filter.limit) || filter.limit < 1 || filter.limit > QUERY_LIMIT_MAX) throw new RangeError(`limit must be 1–${QUERY_LIMIT_MAX}`);
  const sides = [
    (filter.flags & AccountFilterFlags.debits) !== 0 ? "t.debit_account_id = $1::uuid" : null,
    (filter.flags & AccountFilterFlags.credits) !== 0 ? "t.credit_account_id = $1::uuid" : null,
  ].filter(Boolean);
  const conditions = [sides.length > 0 ? `(${sides.join(" OR ")})` : "false"];
  if (filter.timestamp_min) conditions.push(`t.timestamp >= ${BigInt(filter.timestamp_min).toString()}`);
  if (filter.timestamp_max) conditions.push(`t.timestamp <= ${BigInt(filter.timestamp_max).toString()}`);
  return {
    where: conditions.join(" AND "),
    order: (filter.flags & AccountFilterFlags.reversed) !== 0 ? "DESC" : "ASC",
    limit: filter.limit,
  };
}
