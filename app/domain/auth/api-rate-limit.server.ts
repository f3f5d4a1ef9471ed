import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "~/config/env.server";
import { getRedis } from "~/redis.server";

/**
 * Failed API-key authentications are counted per client IP, in Redis so every
 * web process shares the count. Keys carry 256 random bits, so the limit does
 * not protect the secret; it stops an address from hammering the key table and
 * flooding the logs, and makes a leaked prefix list useless to a scanner.
 */
export const API_AUTH_MAX_FAILURES = 30;
export const API_AUTH_WINDOW_SECONDS = 600;

let limiter: RateLimiterRedis | undefined;

function getLimiter(): RateLimiterRedis {
  limiter ??= new RateLimiterRedis({
    storeClient: getRedis(),
    keyPrefix: `${env.REDIS_PREFIX}:api:ip`,
    points: API_AUTH_MAX_FAILURES,
    duration: API_AUTH_WINDOW_SECONDS,
    blockDuration: API_AUTH_WINDOW_SECONDS,
  });
  return limiter;
}

/** Seconds until the address may try again, or 0 when not blocked. */
export async function apiAuthBlockedForSeconds(ip: string): Promise<number> {
  const state = await getLimiter().get(ip);
  if (!state || state.consumedPoints < API_AUTH_MAX_FAILURES) return 0;
  return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
}

export async function recordApiAuthFailure(ip: string): Promise<void> {
  try {
    await getLimiter().consume(ip);
  } catch (error) {
    // A rejection here only means the limit is reached, which the next check reports.
    if (!(error instanceof RateLimiterRes)) throw error;
  }
}
