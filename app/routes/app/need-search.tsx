import { SearchOutlined } from "@ant-design/icons";
import { Button, Card, Col, Empty, Input, Row, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Form, Link, useLocation, useNavigation } from "react-router";
import type { Route } from "./+types/need-search";
import { FacetGroup, type FacetOption } from "~/components/search/FacetGroup";
import { ResultsToolbar } from "~/components/search/ResultsToolbar";
import { HighlightText } from "~/components/search/HighlightText";
import { LinkButton } from "~/components/LinkButton";
import { SearchFilters } from "~/components/search/SearchFilters";
import { SearchPagination } from "~/components/search/SearchPagination";
import { useSubmitOnChange } from "~/components/search/useSubmitOnChange";
import { NeedStatusTag, UrgencyTag } from "~/components/needs/NeedStatusTag";
import { bpsToPercentText, fenToYuanText } from "~/components/needs/need-values";
import { searchNeeds, type NeedFacetParam, type NeedHit } from "~/domain/needs/search-needs.server";
import { industryName } from "~/domain/reference/industries";
import { regionName } from "~/domain/reference/regions";
import { formatCalendarDate, formatMoneyCompact, formatMoneyFen, formatRateBps } from "~/i18n/format";
import type { Locale } from "~/i18n/i18n";
import { NEED_SORTS, NeedSearchParamsSchema } from "~/schemas/needs";
import { orHttpError, requirePermission } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "需求大厅 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "read:need-inbox:institution");
  const params = NeedSearchParamsSchema.parse(new URL(request.url).searchParams);
  const result = await orHttpError(() => searchNeeds({ actor, params }));
  return {
    // What the form shows again: the parsed values (an invalid one is gone), written as typed.
    form: {
      q: params.q,
      region: params.region,
      industry: params.industry,
      size: params.size,
      guarantee: params.guarantee,
      urgency: params.urgency,
      amountMin: params.amountMin === undefined ? "" : fenToYuanText(params.amountMin),
      amountMax: params.amountMax === undefined ? "" : fenToYuanText(params.amountMax),
      termMin: params.termMin === undefined ? "" : String(params.termMin),
      termMax: params.termMax === undefined ? "" : String(params.termMax),
      rateMin: params.rateMin === undefined ? "" : bpsToPercentText(params.rateMin),
      sort: params.sort,
    },
    result,
  };
}

const FACET_ORDER: NeedFacetParam[] = ["region", "industry", "size", "guarantee", "urgency"];

export default function NeedSearchPage({ loaderData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language;
  const location = useLocation();
  const navigation = useNavigation();
  const { form, result } = loaderData;
  const { formRef, submitNow } = useSubmitOnChange();
  const searching = navigation.state === "loading" && navigation.location?.pathname === location.pathname;
  const filtered =
    FACET_ORDER.some((f) => form[f].length > 0) ||
    [form.q, form.amountMin, form.amountMax, form.termMin, form.termMax, form.rateMin].some((v) => v !== "");

  const label = (facet: NeedFacetParam, value: string): string => {
    if (facet === "region") return regionName(value, locale);
    if (facet === "industry") return industryName(value, locale);
    if (facet === "size") return t(`sizes.${value}`);
    if (facet === "guarantee") return t(`needs.guarantee.${value}`);
    return t(`needs.urgency.${value}`);
  };
  const options = (facet: NeedFacetParam): FacetOption[] =>
    Object.entries(result.facets[facet]).map(([value, count]) => ({ value, label: label(facet, value), count }));
  const rangeLabel = { display: "block", fontWeight: 600, marginBottom: 4 } as const;

  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("needSearch.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("needSearch.help")}</Typography.Paragraph>
      {/* Keyed by the URL, so every field shows what the current search holds after back/forward. */}
      <Form
        method="get"
        ref={formRef}
        key={location.search}
        role="search"
        aria-label={t("needSearch.title")}
        data-testid="need-search-form"
        onSubmit={(event) => {
          // With script, empty fields are left out of the URL; without it the browser submits them and the loader ignores them.
          event.preventDefault();
          submitNow();
        }}
      >
        <Space.Compact style={{ width: "100%", maxWidth: 720, marginBottom: 16 }}>
          <label htmlFor="need-search-q" className="visually-hidden">
            {t("needSearch.keyword")}
          </label>
          <Input
            id="need-search-q"
            name="q"
            type="search"
            size="large"
            defaultValue={form.q}
            maxLength={100}
            placeholder={t("needSearch.keywordPlaceholder")}
            allowClear
            data-testid="need-search-q"
          />
          <Button type="primary" htmlType="submit" size="large" icon={<SearchOutlined />} loading={searching}>
            {t("common.search")}
          </Button>
        </Space.Compact>
        <Row gutter={[16, 16]}>
          <Col xs={24} md={7} lg={6}>
            <SearchFilters summary={t("needSearch.filters")}>
              <Card size="small" title={t("needSearch.filters")} extra={filtered ? <Link to={location.pathname}>{t("needSearch.clear")}</Link> : null}>
                <Space orientation="vertical" size={16} style={{ width: "100%" }}>
                  {FACET_ORDER.map((facet) => (
                    <FacetGroup
                      key={facet}
                      title={t(`needSearch.${facet}`)}
                      name={facet}
                      options={options(facet)}
                      selected={form[facet]}
                      onChange={submitNow}
                    />
                  ))}
                  <fieldset className="facet-group">
                    <legend style={rangeLabel}>{t("needSearch.amountRange")}</legend>
                    <Space.Compact style={{ width: "100%" }}>
                      <Input name="amountMin" defaultValue={form.amountMin} placeholder={t("needSearch.min")} aria-label={`${t("needSearch.amountRange")} ${t("needSearch.min")}`} inputMode="decimal" />
                      <Input name="amountMax" defaultValue={form.amountMax} placeholder={t("needSearch.max")} aria-label={`${t("needSearch.amountRange")} ${t("needSearch.max")}`} inputMode="decimal" />
                    </Space.Compact>
                  </fieldset>
                  <fieldset className="facet-group">
                    <legend style={rangeLabel}>{t("needSearch.termRange")}</legend>
                    <Space.Compact style={{ width: "100%" }}>
                      <Input name="termMin" defaultValue={form.termMin} placeholder={t("needSearch.min")} aria-label={`${t("needSearch.termRange")} ${t("needSearch.min")}`} inputMode="numeric" />
                      <Input name="termMax" defaultValue={form.termMax} placeholder={t("needSearch.max")} aria-label={`${t("needSearch.termRange")} ${t("needSearch.max")}`} inputMode="numeric" />
                    </Space.Compact>
                  </fieldset>
                  <div>
                    <label htmlFor="need-rate-min" style={rangeLabel}>
                      {t("needSearch.rateMin")}
                    </label>
                    <Input id="need-rate-min" name="rateMin" defaultValue={form.rateMin} suffix="%" inputMode="decimal" aria-describedby="need-rate-min-help" />
                    <Typography.Text type="secondary" id="need-rate-min-help" style={{ fontSize: 12 }}>
                      {t("needSearch.rateMinHelp")}
                    </Typography.Text>
                  </div>
                  <Button htmlType="submit" block>
                    {t("needSearch.apply")}
                  </Button>
                </Space>
              </Card>
            </SearchFilters>
          </Col>
          <Col xs={24} md={17} lg={18}>
            <ResultsToolbar
              total={t("needSearch.results", { count: result.total })}
              testId="need-search-total"
              sort={{
                id: "need-sort",
                label: t("needSearch.sort"),
                value: form.sort,
                options: NEED_SORTS.map((s) => ({ value: s, label: t(`needSearch.sorts.${s}`) })),
                onChange: submitNow,
              }}
            />
            {result.hits.length === 0 ? (
              <Card>
                <Empty
                  data-testid="need-search-empty"
                  description={
                    <>
                      <Typography.Text strong>{t("needSearch.empty")}</Typography.Text>
                      <br />
                      <Typography.Text type="secondary">{t("needSearch.emptyHelp")}</Typography.Text>
                    </>
                  }
                >
                  {filtered && (
                    <LinkButton to={location.pathname}>{t("needSearch.clear")}</LinkButton>
                  )}
                </Empty>
              </Card>
            ) : (
              <ul className="result-list" data-testid="need-search-results" style={{ opacity: searching ? 0.6 : 1 }}>
                {result.hits.map((hit) => (
                  <li key={hit.id}>
                    <NeedHitCard hit={hit} />
                  </li>
                ))}
              </ul>
            )}
            <SearchPagination total={result.total} page={result.page} pageSize={result.pageSize} />
          </Col>
        </Row>
      </Form>
    </>
  );
}

function NeedHitCard({ hit }: { hit: NeedHit }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <Card size="small" data-testid="need-hit">
      <div style={{ display: "flex", flexWrap: "wrap", justifyContent: "space-between", gap: 8 }}>
        <div style={{ minWidth: 0, flex: "1 1 320px" }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            <Link to={`/app/need-search/${hit.id}`} data-testid="need-hit-link">
              <HighlightText parts={hit.highlights.purpose} fallback={hit.purpose} />
            </Link>
          </Typography.Title>
          <Typography.Text type="secondary">
            <HighlightText parts={hit.highlights.enterpriseName} fallback={hit.enterpriseName} />
            {" · "}
            {regionName(hit.regionCode, locale)}
            {" · "}
            {locale === "zh-CN" ? <HighlightText parts={hit.highlights.industryName} fallback={hit.industryName} /> : industryName(hit.industryCode, locale)}
            {" · "}
            {t(`sizes.${hit.size}`)}
          </Typography.Text>
          <div style={{ marginTop: 6 }}>
            {hit.claimed && <Tag color="green">{t("needSearch.claimed")}</Tag>}
            {hit.status !== "OPEN" && <NeedStatusTag status={hit.status} />}
            <UrgencyTag urgency={hit.urgency} />
            {hit.guaranteeTypes.map((g) => (
              <Tag key={g}>{t(`needs.guarantee.${g}`)}</Tag>
            ))}
          </div>
        </div>
        <dl className="hit-figures">
          <div>
            <dt>{t("needs.amount")}</dt>
            <dd title={formatMoneyFen(hit.amountFen, locale)}>{formatMoneyCompact(hit.amountFen, locale)}</dd>
          </div>
          <div>
            <dt>{t("needs.maxRate")}</dt>
            <dd>{formatRateBps(hit.maxRateBps)}</dd>
          </div>
          <div>
            <dt>{t("needs.term")}</dt>
            <dd>{t("needs.termValue", { count: hit.termMonths })}</dd>
          </div>
          <div>
            <dt>{t("needs.expiresOn")}</dt>
            <dd>{formatCalendarDate(new Date(hit.expiresAt * 1000))}</dd>
          </div>
        </dl>
      </div>
    </Card>
  );
}
