import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { env } from "~/config/env.server";
import { getRedis } from "~/redis.server";

/**
 * Failed sign-ins are counted per (username, IP) and per IP alone, in Redis so
 * every web process shares the count. A success clears the (username, IP) count.
 */
let limiters: { byUserAndIp: RateLimiterRedis; byIp: RateLimiterRedis } | undefined;

function getLimiters() {
  limiters ??= {
    byUserAndIp: new RateLimiterRedis({
      storeClient: getRedis(),
      keyPrefix: `${env.REDIS_PREFIX}:signin:user-ip`,
      points: env.SIGN_IN_MAX_FAILURES,
      duration: env.SIGN_IN_WINDOW_SECONDS,
      blockDuration: env.SIGN_IN_WINDOW_SECONDS,
    }),
    byIp: new RateLimiterRedis({
      storeClient: getRedis(),
      keyPrefix: `${env.REDIS_PREFIX}:signin:ip`,
      points: env.SIGN_IN_MAX_FAILURES * 20,
      duration: 3600,
      blockDuration: 3600,
    }),
  };
  return limiters;
}

/** Seconds until the caller may try again, or 0 when not blocked. */
export async function signInBlockedForSeconds(username: string, ip: string): Promise<number> {
  const { byUserAndIp, byIp } = getLimiters();
  const [a, b] = await Promise.all([byUserAndIp.get(`${username}|${ip}`), byIp.get(ip)]);
  const blocked = [
    a && a.consumedPoints >= env.SIGN_IN_MAX_FAILURES ? a.msBeforeNext : 0,
    b && b.consumedPoints >= env.SIGN_IN_MAX_FAILURES * 20 ? b.msBeforeNext : 0,
  ];
  return Math.ceil(Math.max(...blocked) / 1000);
}

export async function recordSignInFailure(username: string, ip: string): Promise<void> {
  const { byUserAndIp, byIp } = getLimiters();
  await Promise.all(
    [byUserAndIp.consume(`${username}|${ip}`), byIp.consume(ip)].map((p) =>
      // A rejection here only means the limit is reached, which the next check reports.
      p.catch((e: unknown) => {
        if (!(e instanceof RateLimiterRes)) throw e;
      }),
    ),
  );
}

export async function clearSignInFailures(username: string, ip: string): Promise<void> {
  await getLimiters().byUserAndIp.delete(`${username}|${ip}`);
}
