import { env } from "~/config/env.server";
import { prisma } from "~/db.server";
import { createPostgresSearchIndex } from "./postgres-search.server";
import type { SearchIndex } from "./search-index";

let instance: Promise<SearchIndex> | undefined;

/** The process's one SearchIndex, chosen by SEARCH_BACKEND (validated at start-up). */
export function getSearchIndex(): Promise<SearchIndex> {
  instance ??= (async () => {
    if (env.SEARCH_BACKEND === "meilisearch") {
      const { createMeiliSearchIndex } = await import("./meili-search.server");
      return createMeiliSearchIndex({ host: env.MEILI_HOST!, apiKey: env.MEILI_API_KEY });
    }
    return createPostgresSearchIndex(prisma);
  })();
  return instance;
}
