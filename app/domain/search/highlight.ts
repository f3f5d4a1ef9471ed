import type { Highlight } from "./search-index";

/**
 * Cuts a text into plain and matched parts for every occurrence of any needle
 * (compared NFKC-normalised and case-insensitively). Overlapping matches merge.
 */
export function highlight(text: string, needles: readonly string[]): Highlight {
  if (text === "") return [];
  const folded = [...text].map((c) => c.normalize("NFKC").toLowerCase());
  // Only characters whose folded form is one character keep positions aligned; others never match.
  const hay = folded.map((c) => ([...c].length === 1 ? c : "\u0000")).join("");
  const chars = [...text];
  const marked = new Array<boolean>(chars.length).fill(false);
  for (const needle of needles) {
    if (needle === "") continue;
    const n = [...needle].length;
    let from = 0;
    for (;;) {
      const at = hay.indexOf(needle, from);
      if (at < 0) break;
      const start = [...hay.slice(0, at)].length;
      for (let i = start; i < start + n; i++) marked[i] = true;
      from = at + needle.length;
    }
  }
  const parts: Highlight = [];
  for (let i = 0; i < chars.length; i++) {
    const last = parts[parts.length - 1];
    if (last && last.match === marked[i]) last.text += chars[i];
    else parts.push({ text: chars[i]!, match: marked[i]! });
  }
  return parts;
}
