import { Select } from "antd";
import { useState } from "react";

/**
 * Ant Design's Select keeps its value in React state; a hidden input carries it
 * in the form, so the form still posts as plain HTML and is validated by zod.
 */
export function SelectField(props: {
  id: string;
  name: string;
  defaultValue?: string;
  options: { value: string; label: string }[];
  placeholder?: string;
  invalid?: boolean;
  showSearch?: boolean;
}) {
  const [value, setValue] = useState<string | undefined>(props.defaultValue || undefined);
  return (
    <>
      <Select
        id={props.id}
        value={value}
        onChange={setValue}
        options={props.options}
        placeholder={props.placeholder}
        status={props.invalid ? "error" : undefined}
        aria-invalid={props.invalid || undefined}
        showSearch={props.showSearch ? { optionFilterProp: "label" } : undefined}
        style={{ width: "100%" }}
      />
      <input type="hidden" name={props.name} value={value ?? ""} />
    </>
  );
}

/** The multi-value twin of SelectField: one hidden input per chosen value, so the form posts a list. */
export function MultiSelectField(props: {
  id: string;
  name: string;
  defaultValue?: readonly string[];
  options: { value: string; label: string }[];
  placeholder?: string;
  invalid?: boolean;
  maxCount?: number;
}) {
  const [value, setValue] = useState<string[]>([...(props.defaultValue ?? [])]);
  return (
    <>
      <Select
        id={props.id}
        mode="multiple"
        value={value}
        onChange={setValue}
        options={props.options}
        placeholder={props.placeholder}
        status={props.invalid ? "error" : undefined}
        aria-invalid={props.invalid || undefined}
        maxCount={props.maxCount}
        showSearch={{ optionFilterProp: "label" }}
        allowClear
        style={{ width: "100%" }}
      />
      {value.map((v) => (
        <input key={v} type="hidden" name={props.name} value={v} />
      ))}
    </>
  );
}
