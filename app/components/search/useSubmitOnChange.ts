import { useRef } from "react";
import { useSubmit } from "react-router";

/**
 * Submits a search form as soon as a filter changes (the page's Apply button
 * does the same without script). Empty fields and the page number are
 * dropped: the URL stays short and new filters start at page 1.
 */
export function useSubmitOnChange() {
  const submit = useSubmit();
  const formRef = useRef<HTMLFormElement>(null);
  const submitNow = () => {
    const form = formRef.current;
    if (!form) return;
    // Let the checkbox's own change land in the DOM before the form is read.
    setTimeout(() => {
      const data = new FormData(form);
      const params = new URLSearchParams();
      for (const [key, value] of data.entries()) if (key !== "page" && typeof value === "string" && value !== "") params.append(key, value);
      void submit(params, { method: "get", action: form.getAttribute("action") ?? undefined, preventScrollReset: true, replace: true });
    }, 0);
  };
  return { formRef, submitNow };
}
