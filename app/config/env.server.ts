import { z } from "zod";

/**
 * The process environment, read once and validated at start-up by the web
 * server and the worker alike. Defaults suit a fresh development machine.
 */
const EnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: z
      .string()
      .url()
      .refine((u) => u.startsWith("postgres"), "DATABASE_URL must be a postgresql:// URL")
      .default("postgresql://postgres@127.0.0.1:5432/xinyidai"),
    REDIS_URL: z
      .string()
      .url()
      .refine((u) => u.startsWith("redis"), "REDIS_URL must be a redis:// URL")
      .default("redis://127.0.0.1:6379/0"),
    /** Prefix for every BullMQ and rate-limit key, so several installations can share one Redis. */
    REDIS_PREFIX: z.string().regex(/^[a-z0-9-]{1,32}$/).default("xyd"),
    SESSION_SECRET: z.string().min(32).default("dev-only-session-secret-change-me-in-production"),
    SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
    /** Secure cookies are right everywhere browsers allow them; localhost counts as secure. */
    COOKIE_SECURE: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    LEDGER_BACKEND: z.enum(["postgres", "tigerbeetle"]).default("postgres"),
    TB_ADDRESS: z.string().optional(),
    TB_CLUSTER_ID: z.coerce.bigint().default(0n),
    SEARCH_BACKEND: z.enum(["postgres", "meilisearch"]).default("postgres"),
    MEILI_HOST: z.string().url().optional(),
    MEILI_API_KEY: z.string().optional(),
    SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().min(10).max(86_400).default(900),
    /** Largest credit-signal file or JSON body accepted, in megabytes. */
    IMPORT_MAX_MB: z.coerce.number().int().min(1).max(1024).default(128),
    /** Days the finance office has to answer an objection or a repair request. */
    OBJECTION_RESPONSE_DAYS: z.coerce.number().int().min(1).max(90).default(15),
    /** A loan this many days past due is declared in default (PRODUCT.md §3.6). */
    LOAN_DEFAULT_AFTER_DAYS: z.coerce.number().int().min(1).max(720).default(90),
    /** How long an SME has to accept an approved offer: days of 24 hours from the approval. */
    OFFER_VALID_DAYS: z.coerce.number().int().min(1).max(90).default(15),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    PORT: z.coerce.number().int().min(1).max(65_535).default(3000),
  })
  .superRefine((env, ctx) => {
    if (env.LEDGER_BACKEND === "tigerbeetle" && !env.TB_ADDRESS) {
      ctx.addIssue({ code: "custom", path: ["TB_ADDRESS"], message: "required when LEDGER_BACKEND=tigerbeetle" });
    }
    if (env.SEARCH_BACKEND === "meilisearch" && !env.MEILI_HOST) {
      ctx.addIssue({ code: "custom", path: ["MEILI_HOST"], message: "required when SEARCH_BACKEND=meilisearch" });
    }
    if (env.NODE_ENV === "production" && env.SESSION_SECRET.startsWith("dev-only")) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "set a real secret in production" });
    }
  });

export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

export const env: Env = parseEnv(process.env);
