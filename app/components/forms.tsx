import { getInputProps } from "@conform-to/react";
import { Form as AntForm, Alert } from "antd";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { useRouteLoaderData } from "react-router";
import type { loader as rootLoader } from "~/root";

/**
 * Turns an error message key ("uscc.length|{\"length\":16}") into text in the
 * user's language. A message that is not one of ours (zod's own text, which
 * may itself contain "|") reads as the generic "invalid" instead of breaking
 * the page.
 */
export function translateError(t: TFunction, message: string | undefined): string | undefined {
  if (!message) return undefined;
  const bar = message.indexOf("|");
  const key = bar < 0 ? message : message.slice(0, bar);
  let values: Record<string, unknown> = {};
  if (bar >= 0) {
    try {
      const parsed: unknown = JSON.parse(message.slice(bar + 1));
      if (!parsed || typeof parsed !== "object") return t("errors.invalid");
      values = parsed as Record<string, unknown>;
    } catch {
      return t("errors.invalid");
    }
  }
  // Our keys are dotted words; anything else (zod's "Invalid input: expected …") would be read by
  // i18next as "namespace:key" and come back as the English text itself.
  if (!MESSAGE_KEY.test(key)) return t("errors.invalid");
  const text = t(`errors.${key}`, { ...values, defaultValue: MISSING });
  return text === MISSING || typeof text !== "string" ? t("errors.invalid") : text;
}

const MESSAGE_KEY = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;
const MISSING = "\u0000missing";

/** The CSRF token every form must carry (checked by the root middleware). */
export function CsrfInput() {
  const root = useRouteLoaderData<typeof rootLoader>("root");
  return <input type="hidden" name="csrf" value={root?.csrfToken ?? ""} />;
}

/** A labelled field with its validation message, wired for screen readers. */
export function Field(props: {
  id: string;
  label: string;
  errors?: string[];
  help?: string;
  required?: boolean;
  children: React.ReactNode;
}) {
  const { t } = useTranslation();
  const error = translateError(t, props.errors?.[0]);
  return (
    <AntForm.Item
      label={<label htmlFor={props.id}>{props.label}</label>}
      required={props.required}
      validateStatus={error ? "error" : undefined}
      help={error ? <span id={`${props.id}-error`} role="alert">{error}</span> : props.help}
    >
      {props.children}
    </AntForm.Item>
  );
}

export function FormError({ errors }: { errors?: string[] }) {
  const { t } = useTranslation();
  const message = translateError(t, errors?.[0]);
  return message ? <Alert type="error" showIcon title={message} role="alert" style={{ marginBottom: 16 }} /> : null;
}

/** conform's input props without `key`, which React forbids spreading into JSX. */
export const inputProps = ((meta, options) => {
  const { key: _key, ...rest } = getInputProps(meta, options);
  return rest;
}) as typeof getInputProps;
