import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Form as AntForm, Input, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { data, Form, Link, redirect, useNavigation, useSearchParams } from "react-router";
import type { Route } from "./+types/sign-in";
import { CsrfInput, Field, FormError, inputProps } from "~/components/forms";
import { PublicHeader } from "~/components/PublicHeader";
import { prisma } from "~/db.server";
import { signIn } from "~/domain/auth/sign-in.server";
import { sessionSetCookie } from "~/domain/auth/session.server";
import { isLocale } from "~/i18n/i18n";
import { SignInSchema } from "~/schemas/auth";
import { actorContext } from "~/web/context";
import { localeCookie } from "~/web/locale.server";
import { clientIp, parseForm, safeRedirectPath, userAgent, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "登录 · 信易贷" }];

export async function loader({ context }: Route.LoaderArgs) {
  if (context.get(actorContext)) throw redirect("/app");
  return null;
}

export async function action({ request }: Route.ActionArgs) {
  const submission = await parseForm(request, SignInSchema);
  if (submission.status !== "success") {
    return data({ result: submission.reply({ hideFields: ["password"] }) }, { status: 400 });
  }
  const outcome = await withDomainErrors(() =>
    signIn({
      username: submission.value.username,
      password: submission.value.password,
      ip: clientIp(request),
      userAgent: userAgent(request),
    }),
  );
  if (!outcome.ok) {
    return data(
      { result: submission.reply({ formErrors: [outcome.formError], hideFields: ["password"] }) },
      { status: outcome.status },
    );
  }
  const user = await prisma.user.findUniqueOrThrow({ where: { id: outcome.value.userId }, select: { locale: true } });
  const headers = new Headers();
  headers.append("Set-Cookie", await sessionSetCookie(outcome.value.token));
  if (isLocale(user.locale)) headers.append("Set-Cookie", await localeCookie.serialize(user.locale));
  return redirect(safeRedirectPath(submission.value.redirectTo), { headers });
}

export default function SignIn({ actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  return (
    <>
      <PublicHeader signedIn={false} />
      <main id="main">
        <Card className="auth-card" title={<h1 style={{ fontSize: 20, margin: 0 }}>{t("signIn.title")}</h1>}>
          {params.get("signedOut") && <Alert type="success" showIcon title={t("signIn.signedOut")} style={{ marginBottom: 16 }} />}
          <FormError errors={form.errors} />
          <Form method="post" {...getFormProps(form)}>
            <CsrfInput />
            <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
            <AntForm layout="vertical" component={false}>
              <Field id={fields.username.id} label={t("signIn.username")} errors={fields.username.errors} required>
                <Input {...inputProps(fields.username, { type: "text" })} autoComplete="username" autoFocus />
              </Field>
              <Field id={fields.password.id} label={t("signIn.password")} errors={fields.password.errors} required>
                <Input.Password {...inputProps(fields.password, { type: "password" })} autoComplete="current-password" />
              </Field>
              <Button type="primary" htmlType="submit" block loading={navigation.state === "submitting"} data-testid="sign-in-submit">
                {t("signIn.submit")}
              </Button>
            </AntForm>
          </Form>
          <Typography.Paragraph style={{ marginTop: 16, marginBottom: 0 }}>
            {t("signIn.noAccount")} <Link to="/register">{t("signIn.registerLink")}</Link>
          </Typography.Paragraph>
        </Card>
      </main>
    </>
  );
}
