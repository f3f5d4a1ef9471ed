/**
 * Before each test file: a database of its own, copied from the migrated
 * template, and a Redis key prefix of its own. Set before any app module is
 * imported, so the app's environment module reads them.
 */
import { randomBytes } from "node:crypto";
import { afterAll, inject } from "vitest";
import { createDatabase, dropDatabase, withDatabase } from "../../scripts/lib/db-admin";

const suffix = randomBytes(4).toString("hex");
const url = withDatabase(inject("baseDatabaseUrl"), `xyd_test_${suffix}`);
await createDatabase(url, inject("templateDatabase"));
process.env.DATABASE_URL = url;
process.env.REDIS_PREFIX = `xyd-test-${suffix}`;
process.env.NODE_ENV = "test";
process.env.SIGN_IN_MAX_FAILURES = "3";

afterAll(async () => {
  await globalThis.__xydPrisma?.$disconnect();
  if (globalThis.__xydRedis) {
    const keys = await globalThis.__xydRedis.keys(`xyd-test-${suffix}*`);
    if (keys.length) await globalThis.__xydRedis.del(...keys);
    await globalThis.__xydRedis.quit();
  }
  await dropDatabase(url);
});
