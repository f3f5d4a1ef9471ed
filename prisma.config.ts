import { defineConfig } from "prisma/config";

// Prisma 7 is used only to generate the client (offline; see
// docs/decisions/0002-offline-migrations.md). Migrations run through prisma/migrator.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/xinyidai",
  },
});
