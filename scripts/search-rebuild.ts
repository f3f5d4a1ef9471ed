/**
 * Rebuilds the search indexes from the database: `npm run search:rebuild`
 * (both) or `npm run search:rebuild -- products`. Uses SEARCH_BACKEND like the
 * web server and the worker.
 */
import { prisma } from "~/db.server";
import { rebuildSearchIndex } from "~/domain/outbox/search-outbox.server";
import { getSearchIndex } from "~/domain/search/search.server";
import { INDEXES, type IndexName } from "../search/indexes";

const requested = process.argv.slice(2);
const names = (requested.length > 0 ? requested : Object.keys(INDEXES)) as IndexName[];
for (const name of names) {
  if (!(name in INDEXES)) {
    console.error(`unknown index ${name}; known: ${Object.keys(INDEXES).join(", ")}`);
    process.exit(2);
  }
}
const search = await getSearchIndex();
for (const name of names) {
  const started = Date.now();
  const { documents } = await rebuildSearchIndex(prisma, search, name);
  console.log(`${name}: ${documents} documents in ${Date.now() - started} ms (${search.backend})`);
}
await prisma.$disconnect();
