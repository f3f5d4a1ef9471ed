import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [reactRouter()],
  resolve: { tsconfigPaths: true },
  ssr: {
    // Server-only packages with native bindings stay external to the SSR bundle.
    external: ["@node-rs/argon2", "bullmq", "ioredis", "pg", "@prisma/adapter-pg", "rate-limiter-flexible"],
  },
});
