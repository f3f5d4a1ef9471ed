import { stringify } from "csv-stringify/sync";

/**
 * A CSV download as Chinese staff open it: UTF-8 with a BOM (so Excel reads
 * the Chinese), an ASCII file name for old clients and the translated one for
 * the rest, never cached.
 */
export function csvResponse(rows: readonly (readonly string[])[], asciiName: string, name: string): Response {
  return new Response("\uFEFF" + stringify(rows as string[][]), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${asciiName}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "Cache-Control": "no-store",
    },
  });
}

/** 分 as 元 with two decimals, computed on integers; empty for no amount. */
export function yuan(fen: string | bigint | null): string {
  if (fen === null) return "";
  const value = BigInt(fen);
  const abs = value < 0n ? -value : value;
  return `${value < 0n ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
}
