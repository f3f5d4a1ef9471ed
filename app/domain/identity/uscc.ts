/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015.
 * 18 characters from a 31-character alphabet (no I, O, S, V, Z); the last is a
 * check character: c18 = (31 − Σ(value(cᵢ) · wᵢ) mod 31) mod 31.
 * Shared by the browser and the server.
 */
export const USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

export type UsccError =
  | { code: "uscc.empty" }
  | { code: "uscc.length"; length: number }
  | { code: "uscc.character"; position: number; character: string }
  | { code: "uscc.checkCharacter" };

export type UsccResult = { ok: true; value: string } | { ok: false; error: UsccError };

/** Full-width characters become half-width (NFKC), spaces go, letters are upper-cased. */
export function normaliseUscc(input: string): string {
  return input.normalize("NFKC").replace(/[\s\u3000]/g, "").toUpperCase();
}

export function usccCheckCharacter(first17: string): string {
  if (first17.length !== 17) throw new Error("usccCheckCharacter needs exactly 17 characters");
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]!);
    if (value < 0) throw new Error(`invalid USCC character ${first17[i]}`);
    sum += value * WEIGHTS[i]!;
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

export function parseUscc(input: string): UsccResult {
  const value = normaliseUscc(input);
  if (value.length === 0) return { ok: false, error: { code: "uscc.empty" } };
  // Count code points, not UTF-16 units, so an emoji is one wrong character, not two.
  const chars = Array.from(value);
  if (chars.length !== 18) return { ok: false, error: { code: "uscc.length", length: chars.length } };
  for (let i = 0; i < 18; i++) {
    if (!USCC_ALPHABET.includes(chars[i]!)) {
      return { ok: false, error: { code: "uscc.character", position: i + 1, character: chars[i]! } };
    }
  }
  if (usccCheckCharacter(value.slice(0, 17)) !== value[17]) {
    return { ok: false, error: { code: "uscc.checkCharacter" } };
  }
  return { ok: true, value };
}

/**
 * Organisation code check digit (GB 11714), positions 9–17 of a USCC. Used by the
 * demo generator so that generated codes are realistic throughout.
 */
export function organisationCodeCheck(first8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = first8[i]!;
    const v = /[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 55;
    sum += v * weights[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? "X" : check === 11 ? "0" : String(check);
}
