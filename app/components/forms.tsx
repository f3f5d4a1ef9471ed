import { getInputProps } from "@conform-to/react";
import { Form as AntForm, Alert } from "antd";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { useRouteLoaderData } from "react-router";
import type { loader as rootLoader } from "~/root";

/** Turns an error message key ("uscc.length|{\"length\":16}") into text in the user's language. */
export function translateError(t: TFunction, message: string | undefined): string | undefined {
  if (!message) return undefined;
  const [key, params] = message.split("|", 2) as [string, string | undefined];
  const values = params ? (JSON.parse(params) as Record<string, unknown>) : {};
  const text = t(`errors.${key}`, values);
  return text === `errors.${key}` ? t("errors.invalid") : text;
}

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
