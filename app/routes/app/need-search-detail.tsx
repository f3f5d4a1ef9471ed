import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Descriptions, Popconfirm, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useRef } from "react";
import { Form, Link, data, useNavigation, useSubmit } from "react-router";
import type { Route } from "./+types/need-search-detail";
import { CsrfInput, FormError } from "~/components/forms";
import { needPurposeItem, needTermsItems } from "~/components/needs/need-terms-items";
import { claimNeed } from "~/domain/needs/claim-need.server";
import { loadNeedForBank, serialiseNeedTerms } from "~/domain/needs/load-need.server";
import { industryName } from "~/domain/reference/industries";
import { regionName } from "~/domain/reference/regions";
import { formatCalendarDate, formatDateTime } from "~/i18n/format";
import { ClaimNeedSchema } from "~/schemas/needs";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";
import { revalidateAfterConflict } from "~/web/revalidate";

export const meta: Route.MetaFunction = () => [{ title: "融资需求 · 需求大厅 · 信易贷" }];

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:need-inbox:institution");
  const { need, ownClaim, claimable } = await orHttpError(() => loadNeedForBank({ actor, needId: params.needId }));
  return {
    need: {
      ...serialiseNeedTerms(need),
      enterprise: {
        name: need.enterprise.name,
        regionCode: need.enterprise.regionCode,
        industryCode: need.enterprise.industryCode,
        size: need.enterprise.size,
        foundedOn: formatCalendarDate(need.enterprise.foundedOn),
      },
    },
    claimedAt: ownClaim?.at.toISOString() ?? null,
    claimable,
  };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "read:need-inbox:institution");
  const submission = parseWithZod(await request.formData(), { schema: ClaimNeedSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), claimed: false }, { status: 400 });
  const outcome = await withDomainErrors(() => claimNeed({ actor, needId: params.needId, ip: clientIp(request) }));
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }), claimed: false }, { status: outcome.status });
  return { result: submission.reply(), claimed: true };
}

export const shouldRevalidate = revalidateAfterConflict;

export default function NeedSearchDetailPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const navigation = useNavigation();
  const submit = useSubmit();
  const claimForm = useRef<HTMLFormElement>(null);
  const { need, claimedAt, claimable } = loaderData;
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%", maxWidth: 960 }}>
      <div>
        <Link to="/app/need-search">← {t("needSearch.backToSearch")}</Link>
        <Typography.Title level={2} style={{ margin: "8px 0 0" }}>
          {t("needSearch.detailTitle")}
        </Typography.Title>
      </div>
      {actionData?.claimed && <Alert type="success" showIcon role="status" title={t("needSearch.justClaimed")} />}
      <FormError errors={actionData?.result.error?.[""] ?? undefined} />
      <Card>
        <Descriptions
          column={{ xs: 1, md: 2 }}
          bordered
          size="small"
          items={[
            needPurposeItem(need, t),
            { key: "enterprise", label: t("needSearch.enterprise"), span: 2, children: need.enterprise.name },
            { key: "region", label: t("needSearch.region"), children: regionName(need.enterprise.regionCode, locale) },
            { key: "industry", label: t("needSearch.industry"), children: industryName(need.enterprise.industryCode, locale) },
            { key: "size", label: t("needSearch.size"), children: t(`sizes.${need.enterprise.size}`) },
            { key: "foundedOn", label: t("needSearch.foundedOn"), children: need.enterprise.foundedOn },
            ...needTermsItems(need, t),
          ]}
        />
      </Card>
      <Card>
        {claimedAt ? (
          <Alert type="success" showIcon title={t("needSearch.claimedNotice", { time: formatDateTime(claimedAt) })} data-testid="need-claimed" />
        ) : claimable ? (
          <Form method="post" ref={claimForm}>
            <CsrfInput />
            <input type="hidden" name="intent" value="claim" />
            <Popconfirm
              title={t("needSearch.claimConfirm")}
              okText={t("needSearch.claim")}
              cancelText={t("common.cancel")}
              onConfirm={() => {
                if (claimForm.current) void submit(claimForm.current);
              }}
            >
              <Button type="primary" size="large" loading={navigation.state === "submitting"} data-testid="claim-need">
                {t("needSearch.claim")}
              </Button>
            </Popconfirm>
          </Form>
        ) : (
          <Alert type="info" showIcon title={t("needSearch.notClaimable")} />
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          {t("needSearch.reportHint")}
        </Typography.Paragraph>
      </Card>
    </Space>
  );
}
