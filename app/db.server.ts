import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { env } from "~/config/env.server";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient["$transaction"]>[0]>[0];

declare global {
  // One client per process, also across dev-server module reloads.
  var __xydPrisma: PrismaClient | undefined;
}

export function createPrismaClient(databaseUrl: string = env.DATABASE_URL): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl }) });
}

export const prisma: PrismaClient = (globalThis.__xydPrisma ??= createPrismaClient());

/** A unique constraint was violated (Prisma's P2002): the caller lost a race to an equal write. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
