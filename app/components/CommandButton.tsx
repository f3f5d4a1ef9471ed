import { Button, Popconfirm } from "antd";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { Form, useNavigation, useSubmit } from "react-router";
import { CsrfInput } from "~/components/forms";

/**
 * A one-button command form posting `intent` (and a `commandKey` when the
 * command is keyed), asking for confirmation first when `confirm` is given.
 * Without script it is a plain form; the button spins while its own intent
 * is being submitted.
 */
export function CommandButton(props: { intent: string; label: string; commandKey?: string; confirm?: string; danger?: boolean; primary?: boolean }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const form = useRef<HTMLFormElement>(null);
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === props.intent;
  const button = (
    <Button
      type={props.primary ? "primary" : "default"}
      danger={props.danger}
      htmlType={props.confirm ? "button" : "submit"}
      loading={busy}
      data-testid={`command-${props.intent}`}
    >
      {props.label}
    </Button>
  );
  return (
    <Form method="post" ref={form} preventScrollReset style={{ display: "inline" }}>
      <CsrfInput />
      <input type="hidden" name="intent" value={props.intent} />
      {props.commandKey && <input type="hidden" name="commandKey" value={props.commandKey} />}
      {props.confirm ? (
        <Popconfirm
          title={props.confirm}
          okText={props.label}
          cancelText={t("common.cancel")}
          onConfirm={() => {
            if (form.current) void submit(form.current, { preventScrollReset: true });
          }}
        >
          {button}
        </Popconfirm>
      ) : (
        button
      )}
    </Form>
  );
}
