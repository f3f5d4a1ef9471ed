import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Col, Form as AntForm, Input, Row } from "antd";
import { useTranslation } from "react-i18next";
import { Form, useNavigation } from "react-router";
import { ROLE_HOME, type RoleKey } from "~/domain/access/permissions";
import { CreateUserSchema } from "~/schemas/admin";
import { CsrfInput, Field, FormError, inputProps } from "./forms";
import { SelectField } from "./SelectField";

export type AssignableInstitution = { id: string; kind: string; nameZh: string; nameEn: string };

export function CreateUserForm(props: {
  institutions: AssignableInstitution[];
  roles: RoleKey[];
  lastResult?: SubmissionResult<string[]> | null;
  created?: string | null;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: props.lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CreateUserSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const single = props.institutions.length === 1 ? props.institutions[0] : undefined;
  return (
    <Card title={t("users.createTitle")} style={{ marginTop: 16 }}>
      {props.created && <Alert type="success" showIcon title={t("users.created", { name: props.created })} style={{ marginBottom: 16 }} />}
      <FormError errors={form.errors} />
      <Form method="post" {...getFormProps(form)}>
        <CsrfInput />
        <AntForm layout="vertical" component={false}>
          <Row gutter={16}>
            <Col xs={24} md={8}>
              <Field id={fields.institutionId.id} label={t("users.institution")} errors={fields.institutionId.errors} required>
                <SelectField
                  key={form.key}
                  id={fields.institutionId.id}
                  name={fields.institutionId.name}
                  defaultValue={single?.id ?? (fields.institutionId.initialValue as string | undefined)}
                  invalid={Boolean(fields.institutionId.errors)}
                  showSearch
                  placeholder={t("register.choose")}
                  options={props.institutions.map((i) => ({ value: i.id, label: zh ? i.nameZh : i.nameEn }))}
                />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field id={fields.roleKey.id} label={t("users.role")} errors={fields.roleKey.errors} required>
                <SelectField
                  key={form.key}
                  id={fields.roleKey.id}
                  name={fields.roleKey.name}
                  defaultValue={fields.roleKey.initialValue as string | undefined}
                  invalid={Boolean(fields.roleKey.errors)}
                  placeholder={t("register.choose")}
                  options={props.roles.map((r) => ({ value: r, label: `${t(`roles.${r}`)} · ${t(`institutionKinds.${ROLE_HOME[r]}`)}` }))}
                />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field id={fields.username.id} label={t("users.username")} errors={fields.username.errors} help={t("register.usernameHelp")} required>
                <Input {...inputProps(fields.username, { type: "text" })} autoComplete="off" />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field id={fields.displayName.id} label={t("users.displayName")} errors={fields.displayName.errors} required>
                <Input {...inputProps(fields.displayName, { type: "text" })} />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field id={fields.phone.id} label={t("users.phone")} errors={fields.phone.errors}>
                <Input {...inputProps(fields.phone, { type: "tel" })} inputMode="tel" />
              </Field>
            </Col>
            <Col xs={24} md={8}>
              <Field id={fields.password.id} label={t("users.password")} errors={fields.password.errors} help={t("users.passwordHelp")} required>
                <Input.Password {...inputProps(fields.password, { type: "password" })} autoComplete="new-password" />
              </Field>
            </Col>
          </Row>
          <Button type="primary" htmlType="submit" loading={navigation.state === "submitting"}>
            {t("common.create")}
          </Button>
        </AntForm>
      </Form>
    </Card>
  );
}
