import {
  CreateAccountStatus,
  CreateTransferStatus,
  createClient,
  type Account as TbAccount,
  type Client,
  type Transfer as TbTransfer,
} from "tigerbeetle-node";
import {
  accountOf,
  transferOf,
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
 * The ledger of record in production: a TigerBeetle cluster through the
 * official client. One client per process (it batches concurrent requests
 * itself); ids come from the business records, so a retried request finds
 * `exists`. The port is TigerBeetle's model, so this adapter only fills the
 * fields a caller leaves out and names the statuses.
 */
export function createTigerBeetleLedger(options: { clusterId: bigint; addresses: string[] }): Ledger {
  const client: Client = createClient({ cluster_id: options.clusterId, replica_addresses: options.addresses });
  const check = (size: number) => {
    if (size > BATCH_MAX) throw new RangeError(`a ledger batch holds at most ${BATCH_MAX} events, not ${size}`);
  };
  // The cluster sets the timestamp: 0 on the way in, as its client requires.
  const account = (a: NewAccount): TbAccount => ({ ...accountOf(a, 0n), reserved: 0 });
  const transfer = (t: NewTransfer): TbTransfer => transferOf(t);
  const fromTb = (a: TbAccount): Account => {
    const { reserved: _reserved, ...rest } = a;
    return rest;
  };
  const filterOf = (f: AccountFilter) => ({
    account_id: f.account_id,
    user_data_128: 0n,
    user_data_64: 0n,
    user_data_32: 0,
    code: 0,
    timestamp_min: f.timestamp_min ?? 0n,
    timestamp_max: f.timestamp_max ?? 0n,
    limit: f.limit,
    flags: f.flags,
  });

  return {
    backend: "tigerbeetle",
    async createAccounts(batch): Promise<CreateAccountResult[]> {
      check(batch.length);
      if (batch.length === 0) return [];
      const results = await client.createAccounts(batch.map(account));
      return results.map((r) => ({ status: CreateAccountStatus[r.status] as CreateAccountResult["status"] }));
    },
    async createTransfers(batch): Promise<CreateTransferResult[]> {
      check(batch.length);
      if (batch.length === 0) return [];
      const results = await client.createTransfers(batch.map(transfer));
      return results.map((r) => ({ status: CreateTransferStatus[r.status] as CreateTransferResult["status"] }));
    },
    async lookupAccounts(ids): Promise<Account[]> {
      check(ids.length);
      return (await client.lookupAccounts([...ids])).map(fromTb);
    },
    async lookupTransfers(ids): Promise<Transfer[]> {
      check(ids.length);
      return client.lookupTransfers([...ids]);
    },
    async getAccountTransfers(filter): Promise<Transfer[]> {
      return client.getAccountTransfers(filterOf(filter));
    },
    async getAccountBalances(filter): Promise<AccountBalance[]> {
      return client.getAccountBalances(filterOf(filter));
    },
    async close() {
      client.destroy();
    },
  };
}
