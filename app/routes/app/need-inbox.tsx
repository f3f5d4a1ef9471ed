import { DownloadOutlined } from "@ant-design/icons";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Flex, Popconfirm, Radio, Select, Space, Tag, Tooltip, Typography } from "antd";
import { useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation, useSubmit } from "react-router";
import type { Route } from "./+types/need-inbox";
import { CsrfInput, FormError } from "~/components/forms";
import { PagedTable } from "~/components/PagedTable";
import { useSubmitOnChange } from "~/components/search/useSubmitOnChange";
import { listNeedInbox } from "~/domain/matching/list-need-inbox.server";
import { claimNeed } from "~/domain/needs/claim-need.server";
import { industryName } from "~/domain/reference/industries";
import { regionName } from "~/domain/reference/regions";
import type { Locale } from "~/i18n/i18n";
import { formatDateTime, formatMoneyFen, formatRateBps } from "~/i18n/format";
import { searchParamsObject } from "~/schemas/fields";
import { INBOX_CLAIM_FILTERS, INBOX_SORTS, InboxClaimSchema, InboxQuerySchema } from "~/schemas/matching";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "匹配需求 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:need-inbox:institution");
  const query = InboxQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const inbox = await orHttpError(() => listNeedInbox({ actor, query }));
  return { ...inbox, filters: { product: query.product ?? "", claimed: query.claimed, sort: query.sort } };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "read:need-inbox:institution");
  const submission = parseWithZod(await request.formData(), { schema: InboxClaimSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), claimed: null }, { status: 400 });
  const { needId } = submission.value;
  const outcome = await withDomainErrors(() => claimNeed({ actor, needId, ip: clientIp(request) }));
  if (!outcome.ok) return data({ result: submission.reply({ formErrors: [outcome.formError] }), claimed: null }, { status: outcome.status });
  return { result: submission.reply(), claimed: needId };
}

function exportParams(filters: { product: string; claimed: string; sort: string }): string {
  const params = new URLSearchParams({ claimed: filters.claimed, sort: filters.sort });
  if (filters.product) params.set("product", filters.product);
  return params.toString();
}

type Row = Route.ComponentProps["loaderData"]["rows"][number] & { id: string };

function ClaimButton({ needId }: { needId: string }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const form = useRef<HTMLFormElement>(null);
  const busy = navigation.state === "submitting" && navigation.formData?.get("needId") === needId;
  return (
    <Form method="post" ref={form} preventScrollReset>
      <CsrfInput />
      <input type="hidden" name="intent" value="claim" />
      <input type="hidden" name="needId" value={needId} />
      <Popconfirm
        title={t("inbox.claimConfirm")}
        okText={t("inbox.claim")}
        cancelText={t("common.cancel")}
        onConfirm={() => {
          if (form.current) void submit(form.current, { preventScrollReset: true });
        }}
      >
        <Button type="primary" size="small" loading={busy} data-testid="inbox-claim">
          {t("inbox.claim")}
        </Button>
      </Popconfirm>
    </Form>
  );
}

export default function NeedInboxPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const { formRef, submitNow } = useSubmitOnChange();
  const [product, setProduct] = useState(loaderData.filters.product);
  const rows: Row[] = loaderData.rows.map((r) => ({ ...r, id: r.needId }));
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("inbox.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("inbox.help")}
        </Typography.Paragraph>
      </div>
      {actionData?.claimed && <Alert type="success" showIcon role="status" title={t("inbox.justClaimed")} data-testid="inbox-claimed" />}
      <FormError errors={actionData?.result.error?.[""] ?? undefined} />

      <Form method="get" ref={formRef} role="search" aria-label={t("inbox.title")}>
        <Flex wrap gap={16} align="center">
          <label htmlFor="inbox-product">{t("inbox.product")}</label>
          <Select
            id="inbox-product"
            value={product}
            style={{ minWidth: 240 }}
            options={[
              { value: "", label: t("inbox.allProducts") },
              ...loaderData.products.map((p) => ({ value: p.id, label: zh ? p.nameZh : (p.nameEn ?? p.nameZh) })),
            ]}
            onChange={(v: string) => {
              setProduct(v);
              submitNow();
            }}
          />
          <input type="hidden" name="product" value={product} />
          <span id="inbox-claimed-label">{t("inbox.claimedFilter")}</span>
          <Radio.Group
            name="claimed"
            aria-labelledby="inbox-claimed-label"
            defaultValue={loaderData.filters.claimed}
            optionType="button"
            options={INBOX_CLAIM_FILTERS.map((c) => ({ value: c, label: t(`inbox.claimed.${c}`) }))}
            onChange={submitNow}
          />
          <span id="inbox-sort-label">{t("inbox.sortLabel")}</span>
          <Radio.Group
            name="sort"
            aria-labelledby="inbox-sort-label"
            defaultValue={loaderData.filters.sort}
            optionType="button"
            options={INBOX_SORTS.map((c) => ({ value: c, label: t(`inbox.sort.${c}`) }))}
            onChange={submitNow}
          />
          <Tooltip title={t("inbox.exportHelp")}>
            <a href={`/app/need-inbox.csv?${exportParams(loaderData.filters)}`} download data-testid="inbox-export">
              <DownloadOutlined aria-hidden /> {t("inbox.exportCsv")}
            </a>
          </Tooltip>
          <noscript>
            <Button htmlType="submit">{t("common.search")}</Button>
          </noscript>
        </Flex>
      </Form>

      {loaderData.total === 0 && loaderData.filters.product === "" && loaderData.filters.claimed === "all" ? (
        <Alert type="info" showIcon title={t("inbox.empty")} data-testid="inbox-empty" />
      ) : (
        <PagedTable<Row>
          testId="need-inbox"
          rows={rows}
          total={loaderData.total}
          page={loaderData.page}
          pageSize={loaderData.pageSize}
          columns={[
            {
              title: t("inbox.columns.score"),
              key: "score",
              width: 90,
              render: (_, r) => <Tag color="blue">{Math.round(r.score / 10)}</Tag>,
            },
            {
              title: t("inbox.columns.need"),
              key: "need",
              render: (_, r) => (
                <div style={{ maxWidth: 280 }}>
                  <Link to={`/app/need-search/${r.needId}`}>
                    {t("inbox.needSummary", { amount: formatMoneyFen(r.amountFen, locale), months: r.termMonths, rate: formatRateBps(r.maxRateBps) })}
                  </Link>
                  <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                    {r.purpose}
                  </Typography.Paragraph>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t("inbox.columns.expiresOn")} {r.expiresOn}
                  </Typography.Text>
                </div>
              ),
            },
            {
              title: t("inbox.columns.enterprise"),
              key: "enterprise",
              render: (_, r) => (
                <div style={{ maxWidth: 260 }}>
                  <Flex gap={6} align="center" wrap>
                    <span>{r.enterprise.name}</span>
                    <Tooltip title={t("inbox.columns.grade")}>
                      <Tag>{r.enterprise.grade ?? t("matching.noGrade")}</Tag>
                    </Tooltip>
                  </Flex>
                  <Typography.Text type="secondary">
                    {regionName(r.enterprise.regionCode, locale)} · {industryName(r.enterprise.industryCode, locale)} · {t(`sizes.${r.enterprise.size}`)}
                  </Typography.Text>
                  <div>
                    {r.authorised ? (
                      <Link to={`/app/credit-reports/${r.enterprise.id}`}>{t("inbox.viewReport")}</Link>
                    ) : (
                      <Tooltip title={t("inbox.notAuthorised")}>
                        <Typography.Text type="secondary" style={{ fontSize: 12 }} tabIndex={0}>
                          {t("inbox.notAuthorisedShort")}
                        </Typography.Text>
                      </Tooltip>
                    )}
                  </div>
                </div>
              ),
            },
            {
              title: t("inbox.columns.product"),
              key: "product",
              render: (_, r) => (
                <div style={{ maxWidth: 220 }}>
                  <div>{zh ? r.product.nameZh : (r.product.nameEn ?? r.product.nameZh)}</div>
                  <Typography.Text type="secondary">
                    {t("inbox.columns.expectedRate")} {formatRateBps(r.expectedRateBps)}
                  </Typography.Text>
                </div>
              ),
            },
            {
              title: t("inbox.columns.actions"),
              key: "actions",
              fixed: "right",
              render: (_, r) =>
                r.claimedAt ? (
                  <Flex vertical gap={2} data-testid="inbox-claimed-at">
                    <Tag color="success" style={{ width: "fit-content" }}>
                      {t("inbox.claimed.claimed")}
                    </Tag>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(r.claimedAt)}
                    </Typography.Text>
                  </Flex>
                ) : (
                  <ClaimButton needId={r.needId} />
                ),
            },
          ]}
        />
      )}
    </Space>
  );
}
