import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import type { Ledger } from "./ledger";
import { createPostgresLedger } from "./postgres-ledger.server";

let instance: Promise<Ledger> | undefined;

/**
 * The process's one Ledger, chosen by LEDGER_BACKEND (validated at start-up):
 * one TigerBeetle client per process, as its guide asks; the native client is
 * loaded only when it is the one chosen.
 */
export function getLedger(): Promise<Ledger> {
  instance ??= (async () => {
    if (env.LEDGER_BACKEND === "tigerbeetle") {
      const { createTigerBeetleLedger } = await import("./tigerbeetle-ledger.server");
      return createTigerBeetleLedger({ clusterId: env.TB_CLUSTER_ID, addresses: env.TB_ADDRESS!.split(",") });
    }
    return createPostgresLedger(prisma);
  })();
  return instance;
}
