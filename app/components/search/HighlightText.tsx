import type { Highlight } from "~/domain/search/search-index";

/**
 * Text with the parts that matched the query marked. The parts come from the
 * search adapter as plain strings (never HTML), so nothing here is injected.
 */
export function HighlightText({ parts, fallback }: { parts: Highlight | undefined; fallback: string }) {
  if (!parts || parts.length === 0) return <>{fallback}</>;
  return (
    <>
      {parts.map((p, i) =>
        p.match ? (
          <mark key={i} className="search-match">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}
