import { parseWithZod } from "@conform-to/zod/v4";
import { Card, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link, data, redirect } from "react-router";
import type { Route } from "./+types/need-new";
import { NeedForm } from "~/components/needs/NeedForm";
import { addDays } from "~/components/needs/need-values";
import { platformToday } from "~/domain/credit/build-snapshot";
import { postNeed } from "~/domain/needs/post-need.server";
import { NeedFormSchema } from "~/schemas/needs";
import { clientIp, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "发布融资需求 · 信易贷" }];

/** A month is how long most needs take to find a bank; the SME may choose up to 180 days. */
const DEFAULT_EXPIRY_DAYS = 30;

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "manage:need:own");
  // The server's "today" in Asia/Shanghai, so the default does not depend on the browser's clock.
  return { defaultExpiresOn: addDays(platformToday(), DEFAULT_EXPIRY_DAYS) };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:need:own");
  const submission = parseWithZod(await request.formData(), { schema: NeedFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const outcome = await withDomainErrors(() => postNeed({ actor, input: submission.value, ip: clientIp(request) }));
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }) }, { status: outcome.status });
  return redirect(`/app/needs/${outcome.value.id}?done=posted`);
}

export default function NeedNewPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  return (
    <div style={{ maxWidth: 860 }}>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("needs.postTitle")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("needs.postHelp")}</Typography.Paragraph>
      <Card>
        <NeedForm
          lastResult={actionData?.result}
          defaultValue={{
            amount: "",
            termMonths: "12",
            purpose: "",
            maxRate: "",
            guaranteeTypes: ["CREDIT"],
            urgency: "NORMAL",
            expiresOn: loaderData.defaultExpiresOn,
          }}
          submitLabel={t("needs.submitPost")}
          extra={<Link to="/app/needs">{t("common.cancel")}</Link>}
        />
      </Card>
    </div>
  );
}
