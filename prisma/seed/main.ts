/**
 * `npm run db:seed [-- --enterprises 100000 --seed 7]`: the demo city.
 * The flag scales it up for benchmarks; the seed makes it reproducible.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { prisma } from "~/db.server";
import { closeQueues } from "~/jobs/enqueue.server";
import { seedDemo } from "./seed";

const { values } = parseArgs({
  options: { enterprises: { type: "string", default: "1000" }, seed: { type: "string", default: "20261122" } },
});
const options = z
  .object({ enterprises: z.coerce.number().int().min(10).max(2_000_000), seed: z.coerce.number().int().min(0) })
  .parse(values);

const started = Date.now();
const { logins } = await seedDemo(prisma, { ...options, log: (line) => console.log(line) });
console.log(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s; ${logins.length} demo users`);
// Seeding runs the platform's own commands, which ask the worker (through Redis) to post and re-match: close those too.
await closeQueues();
await globalThis.__xydRedis?.quit();
await prisma.$disconnect();
