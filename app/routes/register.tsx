import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Button, Card, Checkbox, Col, Form as AntForm, Input, Row, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { data, Form, redirect, useNavigation } from "react-router";
import type { Route } from "./+types/register";
import { CsrfInput, Field, FormError, inputProps, translateError } from "~/components/forms";
import { PublicHeader } from "~/components/PublicHeader";
import { SelectField } from "~/components/SelectField";
import { registerEnterprise } from "~/domain/auth/register-enterprise.server";
import { sessionSetCookie } from "~/domain/auth/session.server";
import { INDUSTRIES } from "~/domain/reference/industries";
import { REGIONS } from "~/domain/reference/regions";
import { enqueue } from "~/jobs/enqueue.server";
import { RegisterEnterpriseSchema } from "~/schemas/auth";
import { actorContext } from "~/web/context";
import { clientIp, parseForm, userAgent, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "企业注册 · 信易贷" }];

export async function loader({ context }: Route.LoaderArgs) {
  if (context.get(actorContext)) throw redirect("/app");
  return null;
}

const SECRET_FIELDS = ["password", "confirmPassword"];

export async function action({ request }: Route.ActionArgs) {
  const submission = await parseForm(request, RegisterEnterpriseSchema);
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: SECRET_FIELDS }) }, { status: 400 });
  }
  const outcome = await withDomainErrors(() =>
    registerEnterprise({ input: submission.value, ip: clientIp(request), userAgent: userAgent(request) }),
  );
  if (!outcome.ok) {
    return data({ result: submission.reply({ formErrors: [outcome.formError], hideFields: SECRET_FIELDS }) }, { status: outcome.status });
  }
  await enqueue("refreshPlatformStats", { reason: "registration" });
  return redirect("/app/enterprise", { headers: { "Set-Cookie": await sessionSetCookie(outcome.value.token) } });
}

export default function Register({ actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: RegisterEnterpriseSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const text = (name: keyof typeof fields, extra: Record<string, unknown> = {}) => ({
    ...inputProps(fields[name], { type: "text" }),
    ...extra,
  });
  return (
    <>
      <PublicHeader signedIn={false} />
      <main id="main">
        <Card className="wide-card" title={<h1 style={{ fontSize: 20, margin: 0 }}>{t("register.title")}</h1>}>
          <Typography.Paragraph type="secondary">{t("register.intro")}</Typography.Paragraph>
          <FormError errors={form.errors} />
          <Form method="post" {...getFormProps(form)}>
            <CsrfInput />
            <AntForm layout="vertical" component={false}>
              <Typography.Title level={5}>{t("register.sectionEnterprise")}</Typography.Title>
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Field id={fields.uscc.id} label={t("register.uscc")} errors={fields.uscc.errors} help={t("register.usccHelp")} required>
                    <Input {...text("uscc")} maxLength={40} autoComplete="off" spellCheck={false} />
                  </Field>
                </Col>
                <Col xs={24} md={12}>
                  <Field id={fields.name.id} label={t("register.name")} errors={fields.name.errors} required>
                    <Input {...text("name")} autoComplete="organization" />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id={fields.regionCode.id} label={t("register.region")} errors={fields.regionCode.errors} required>
                    <SelectField
                      id={fields.regionCode.id}
                      name={fields.regionCode.name}
                      defaultValue={fields.regionCode.initialValue as string | undefined}
                      placeholder={t("register.choose")}
                      invalid={Boolean(fields.regionCode.errors)}
                      options={REGIONS.map((r) => ({ value: r.code, label: zh ? r.nameZh : r.nameEn }))}
                    />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id={fields.industryCode.id} label={t("register.industry")} errors={fields.industryCode.errors} required>
                    <SelectField
                      id={fields.industryCode.id}
                      name={fields.industryCode.name}
                      defaultValue={fields.industryCode.initialValue as string | undefined}
                      placeholder={t("register.choose")}
                      invalid={Boolean(fields.industryCode.errors)}
                      showSearch
                      options={INDUSTRIES.map((i) => ({ value: i.code, label: `${i.code} ${zh ? i.nameZh : i.nameEn}` }))}
                    />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id={fields.size.id} label={t("register.size")} errors={fields.size.errors} required>
                    <SelectField
                      id={fields.size.id}
                      name={fields.size.name}
                      defaultValue={fields.size.initialValue as string | undefined}
                      placeholder={t("register.choose")}
                      invalid={Boolean(fields.size.errors)}
                      options={(["MICRO", "SMALL", "MEDIUM", "LARGE"] as const).map((s) => ({ value: s, label: t(`sizes.${s}`) }))}
                    />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id={fields.foundedOn.id} label={t("register.foundedOn")} errors={fields.foundedOn.errors} required>
                    <Input {...text("foundedOn")} placeholder="YYYY-MM-DD" inputMode="numeric" />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field
                    id={fields.registeredCapitalYuan.id}
                    label={t("register.registeredCapitalYuan")}
                    errors={fields.registeredCapitalYuan.errors}
                    required
                  >
                    <Input {...text("registeredCapitalYuan")} inputMode="decimal" placeholder="1,000,000.00" />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id={fields.legalRepName.id} label={t("register.legalRepName")} errors={fields.legalRepName.errors} required>
                    <Input {...text("legalRepName")} />
                  </Field>
                </Col>
              </Row>
              <Typography.Title level={5}>{t("register.sectionAccount")}</Typography.Title>
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Field id={fields.displayName.id} label={t("register.displayName")} errors={fields.displayName.errors} required>
                    <Input {...text("displayName")} autoComplete="name" />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id={fields.phone.id} label={t("register.phone")} errors={fields.phone.errors} required>
                    <Input {...inputProps(fields.phone, { type: "tel" })} autoComplete="tel" inputMode="tel" />
                  </Field>
                </Col>
                <Col xs={24} md={8}>
                  <Field id={fields.username.id} label={t("register.username")} errors={fields.username.errors} help={t("register.usernameHelp")} required>
                    <Input {...text("username")} autoComplete="username" />
                  </Field>
                </Col>
                <Col xs={24} md={12}>
                  <Field id={fields.password.id} label={t("register.password")} errors={fields.password.errors} help={t("register.passwordHelp")} required>
                    <Input.Password {...inputProps(fields.password, { type: "password" })} autoComplete="new-password" />
                  </Field>
                </Col>
                <Col xs={24} md={12}>
                  <Field id={fields.confirmPassword.id} label={t("register.confirmPassword")} errors={fields.confirmPassword.errors} required>
                    <Input.Password {...inputProps(fields.confirmPassword, { type: "password" })} autoComplete="new-password" />
                  </Field>
                </Col>
              </Row>
              <AntForm.Item
                validateStatus={fields.agree.errors ? "error" : undefined}
                help={fields.agree.errors ? <span role="alert">{translateError(t, fields.agree.errors[0])}</span> : undefined}
              >
                <Checkbox id={fields.agree.id} name={fields.agree.name} defaultChecked={fields.agree.initialValue === "on"}>
                  {t("register.agree")}
                </Checkbox>
              </AntForm.Item>
              <Button type="primary" htmlType="submit" size="large" loading={navigation.state === "submitting"}>
                {t("register.submit")}
              </Button>
            </AntForm>
          </Form>
        </Card>
      </main>
    </>
  );
}
