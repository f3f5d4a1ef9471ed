import { Button, Card, Checkbox, Col, Empty, Input, Row, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Form, Link, useLocation, useNavigation } from "react-router";
import { FacetGroup, type FacetOption } from "~/components/search/FacetGroup";
import { HighlightText } from "~/components/search/HighlightText";
import { LinkButton } from "~/components/LinkButton";
import { SearchFilters } from "~/components/search/SearchFilters";
import { ResultsToolbar } from "~/components/search/ResultsToolbar";
import { SearchPagination } from "~/components/search/SearchPagination";
import { useSubmitOnChange } from "~/components/search/useSubmitOnChange";
import type { SupermarketHit } from "~/domain/products/search-products.server";
import { scenarioTagName } from "~/domain/reference/product-tags";
import { regionName } from "~/domain/reference/regions";
import type { Locale } from "~/i18n/i18n";
import { formatMoneyCompact, formatRateBps } from "~/i18n/format";
import { SUPERMARKET_SORTS } from "~/schemas/products";

export type SupermarketViewData = {
  hits: SupermarketHit[];
  total: number;
  facets: Record<string, Record<string, number>>;
  banks: Record<string, { nameZh: string; nameEn: string }>;
  page: number;
  pageSize: number;
  /** The query as typed, for the form's fields. */
  form: { q: string; amount: string; term: string; rate: string; fund: boolean; sort: string; selected: Record<string, string[]> };
};

/** URL parameter of each facet (short, readable links) → index attribute. */
const FACET_PARAMS = [
  ["bank", "bankId"],
  ["type", "type"],
  ["tag", "scenarioTags"],
  ["guarantee", "guaranteeTypes"],
  ["region", "regionCodes"],
] as const;

/**
 * The product supermarket: one GET form (keywords, what the SME needs,
 * facets, sort) whose every choice lives in the URL, results with the
 * matched words marked, and link pagination. Shared by the public page and
 * the signed-in page; `detailPath` says where a product opens.
 */
export function SupermarketView({ data, detailPath }: { data: SupermarketViewData; detailPath: (id: string) => string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const zh = locale === "zh-CN";
  const location = useLocation();
  const navigation = useNavigation();
  const { formRef, submitNow } = useSubmitOnChange();
  const searching = navigation.state === "loading" && navigation.location?.pathname === location.pathname;

  const facetLabel = (attribute: string, value: string): string => {
    switch (attribute) {
      case "bankId": {
        const bank = data.banks[value];
        return bank ? (zh ? bank.nameZh : bank.nameEn) : value;
      }
      case "type":
        return t(`productTypes.${value}`);
      case "guaranteeTypes":
        return t(`guaranteeTypes.${value}`);
      case "scenarioTags":
        return scenarioTagName(value, locale);
      case "regionCodes":
        return value === "ANY" ? t("product.anyRegion") : regionName(value, locale);
      default:
        return value;
    }
  };
  const facetOptions = (attribute: string): FacetOption[] =>
    Object.entries(data.facets[attribute] ?? {})
      .map(([value, count]) => ({ value, count, label: facetLabel(attribute, value) }))
      .filter((o) => !(attribute === "regionCodes" && o.value === "ANY"))
      .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, locale));

  return (
    <>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t("supermarket.title")}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t("supermarket.subtitle")}</Typography.Paragraph>
      <Form method="get" ref={formRef} key={location.search} role="search" aria-label={t("supermarket.title")} data-testid="supermarket-form">
        <Space.Compact style={{ width: "100%", maxWidth: 720, marginBottom: 16 }}>
          <label htmlFor="supermarket-q" className="visually-hidden">
            {t("supermarket.searchLabel")}
          </label>
          <Input id="supermarket-q" name="q" type="search" size="large" defaultValue={data.form.q} placeholder={t("supermarket.searchPlaceholder")} maxLength={100} allowClear />
          <Button type="primary" size="large" htmlType="submit" loading={searching} data-testid="supermarket-search">
            {t("common.search")}
          </Button>
        </Space.Compact>
        <Row gutter={[16, 16]}>
          <Col xs={24} md={7} lg={6}>
            <SearchFilters summary={t("supermarket.filters")}>
              <Card size="small" title={t("supermarket.needLabel")} style={{ marginBottom: 12 }}>
                <Space direction="vertical" style={{ width: "100%" }}>
                  <label htmlFor="supermarket-amount">{t("supermarket.amount")}</label>
                  <Input id="supermarket-amount" name="amount" inputMode="decimal" defaultValue={data.form.amount} placeholder="50" />
                  <label htmlFor="supermarket-term">{t("supermarket.term")}</label>
                  <Input id="supermarket-term" name="term" inputMode="numeric" defaultValue={data.form.term} placeholder="12" />
                  <label htmlFor="supermarket-rate">{t("supermarket.rate")}</label>
                  <Input id="supermarket-rate" name="rate" inputMode="decimal" defaultValue={data.form.rate} placeholder="5.5" />
                  <Checkbox name="fund" value="yes" defaultChecked={data.form.fund} onChange={submitNow}>
                    {t("supermarket.fundOnly")}
                  </Checkbox>
                  <Button htmlType="submit" block>
                    {t("supermarket.apply")}
                  </Button>
                </Space>
              </Card>
              <Card size="small">
                <Space direction="vertical" size="middle" style={{ width: "100%" }}>
                  {FACET_PARAMS.map(([param, attribute]) => (
                    <FacetGroup
                      key={`${param}-${location.search}`}
                      title={t(`supermarket.facets.${attribute}`)}
                      name={param}
                      options={facetOptions(attribute)}
                      selected={data.form.selected[param] ?? []}
                      onChange={submitNow}
                    />
                  ))}
                </Space>
              </Card>
            </SearchFilters>
          </Col>
          <Col xs={24} md={17} lg={18}>
            <ResultsToolbar
              total={t("supermarket.results", { count: data.total })}
              testId="supermarket-total"
              sort={{
                id: "supermarket-sort",
                label: t("supermarket.sort"),
                value: data.form.sort,
                options: SUPERMARKET_SORTS.map((s) => ({ value: s, label: t(`supermarket.sorts.${s}`) })),
                onChange: submitNow,
              }}
            >
              {location.search && <Link to={location.pathname}>{t("supermarket.reset")}</Link>}
            </ResultsToolbar>
            {data.hits.length === 0 ? (
              <Card>
                <Empty description={<span data-testid="supermarket-empty">{t("supermarket.empty")}</span>}>
                  <Typography.Paragraph type="secondary">{t("supermarket.emptyHelp")}</Typography.Paragraph>
                  {location.search && (
                    <LinkButton to={location.pathname}>{t("supermarket.reset")}</LinkButton>
                  )}
                </Empty>
              </Card>
            ) : (
              <ul className="result-list" data-testid="supermarket-results" style={{ opacity: searching ? 0.6 : 1 }}>
                {data.hits.map((hit) => (
                  <li key={hit.id}>
                    <ProductHitCard hit={hit} href={detailPath(hit.id)} bankName={facetLabel("bankId", hit.bankId)} />
                  </li>
                ))}
              </ul>
            )}
            <SearchPagination total={data.total} page={data.page} pageSize={data.pageSize} />
          </Col>
        </Row>
      </Form>
    </>
  );
}

function ProductHitCard({ hit, href, bankName }: { hit: SupermarketHit; href: string; bankName: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <Card size="small" data-testid="product-hit">
      <div style={{ display: "flex", flexWrap: "wrap", justifyContent: "space-between", gap: 8 }}>
        <div style={{ minWidth: 0, flex: "1 1 320px" }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            <Link to={href} data-testid="product-hit-link">
              <HighlightText parts={hit.highlights.name} fallback={hit.name} />
            </Link>
          </Typography.Title>
          <Typography.Text type="secondary">
            {locale === "zh-CN" ? <HighlightText parts={hit.highlights.bankName} fallback={hit.bankName} /> : bankName}
          </Typography.Text>
          <div style={{ marginTop: 6 }}>
            <Tag color="blue">{t(`productTypes.${hit.type}`)}</Tag>
            {hit.scenarioTags.map((tag) => (
              <Tag key={tag}>{scenarioTagName(tag, locale)}</Tag>
            ))}
            {hit.fundEnrolled && <Tag color="green">{t("supermarket.fundBadge")}</Tag>}
          </div>
          {hit.highlights.description?.some((p) => p.match) && (
            <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: "6px 0 0" }}>
              <HighlightText parts={hit.highlights.description} fallback="" />
            </Typography.Paragraph>
          )}
        </div>
        <dl className="hit-figures">
          <div>
            <dt>{t("product.fields.amountRange")}</dt>
            <dd>{t("supermarket.upTo", { amount: formatMoneyCompact(hit.maxAmountFen, locale) })}</dd>
          </div>
          <div>
            <dt>{t("product.fields.rateRange")}</dt>
            <dd>{t("supermarket.rateFrom", { rate: formatRateBps(hit.minRateBps) })}</dd>
          </div>
          <div>
            <dt>{t("product.fields.termRange")}</dt>
            <dd>{t("product.months", { min: hit.minTermMonths, max: hit.maxTermMonths })}</dd>
          </div>
          <div>
            <dt>{t("product.fields.guaranteeTypes")}</dt>
            <dd>{hit.guaranteeTypes.map((g) => t(`guaranteeTypes.${g}`)).join("、")}</dd>
          </div>
        </dl>
      </div>
    </Card>
  );
}
