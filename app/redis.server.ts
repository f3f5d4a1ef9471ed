import { Redis } from "ioredis";
import { env } from "~/config/env.server";

declare global {
  var __xydRedis: Redis | undefined;
}

/** Options BullMQ requires of its connections; suitable for every other use too. */
export function createRedis(url: string = env.REDIS_URL): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}

/** One shared connection per process for commands (rate limits, enqueueing). */
export function getRedis(): Redis {
  return (globalThis.__xydRedis ??= createRedis());
}
