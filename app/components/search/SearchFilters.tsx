import { useEffect, useRef } from "react";

/**
 * A search page's filter column: a <details> that starts folded on a phone,
 * so the results come first, and open everywhere else (and without script).
 * On wider screens its summary is hidden by the stylesheet.
 */
export function SearchFilters({ summary, children }: { summary: string; children: React.ReactNode }) {
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (ref.current && window.matchMedia("(max-width: 767px)").matches) ref.current.open = false;
  }, []);
  return (
    <details className="search-filters" open ref={ref}>
      <summary>{summary}</summary>
      {children}
    </details>
  );
}
