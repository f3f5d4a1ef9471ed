import { z } from "zod";

/**
 * The pages' Content-Security-Policy allows no eval. In the browser Zod would
 * otherwise probe `new Function` once to decide whether to compile its parsers,
 * and the browser reports the refused probe as a policy violation. Imported
 * first by the root route, so it runs before any route module builds a schema.
 * The server keeps Zod's compiled parsers.
 */
if (typeof document !== "undefined") z.config({ jitless: true });
