import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Alert, Button, Card, Col, Flex, Form as AntForm, Input, Popconfirm, Radio, Row, Space, Table, Tag, Typography } from "antd";
import { useRef } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation, useSubmit } from "react-router";
import type { Route } from "./+types/calendar";
import { CsrfInput, Field, inputProps, translateError } from "~/components/forms";
import { useSubmitOnChange } from "~/components/search/useSubmitOnChange";
import { listCalendarDays, loadCalendarDay, removeCalendarDay, setCalendarDay } from "~/domain/calendar/calendar.server";
import { isWeekend, workingDaysBetween } from "~/domain/calendar/working-days";
import { platformToday } from "~/domain/credit/build-snapshot";
import type { Locale } from "~/i18n/i18n";
import { CALENDAR_DAY_KINDS, CALENDAR_LIMITS, CalendarActionSchema, CalendarDaySchema, CalendarPageQuerySchema } from "~/schemas/calendar";
import { searchParamsObject } from "~/schemas/fields";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = () => [{ title: "工作日历 · 信易贷" }];

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:calendar:any");
  const query = CalendarPageQuerySchema.parse(searchParamsObject(new URL(request.url).searchParams));
  const today = platformToday();
  const thisYear = Number(today.slice(0, 4));
  const years = [thisYear - 1, thisYear, thisYear + 1];
  const editYear = query.edit ? Number(query.edit.slice(0, 4)) : undefined;
  const year = [query.year, editYear].find((y) => y !== undefined && years.includes(y)) ?? thisYear;
  const days = await orHttpError(() => listCalendarDays(actor, year));
  const editing = query.edit ? await orHttpError(() => loadCalendarDay(actor, query.edit!)) : null;
  const overrides = new Map(days.map((d) => [d.date, d.isWorkday]));
  return {
    year,
    years,
    today,
    days,
    workingDays: workingDaysBetween(`${year - 1}-12-31`, `${year}-12-31`, overrides),
    /** The day the form is opened on (from `?edit=`), with its current setting if it has one. */
    edit: query.edit ? { date: query.edit, day: editing } : null,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:calendar:any");
  const submission = parseWithZod(await request.formData(), { schema: CalendarActionSchema });
  if (submission.status !== "success") {
    const removing = submission.payload.intent === "remove";
    return data({ result: removing ? null : submission.reply(), removeError: removing ? "invalid" : null, notice: null }, { status: 400 });
  }
  const ip = clientIp(request);
  const input = submission.value;
  if (input.intent === "remove") {
    const outcome = await withDomainErrors(() => removeCalendarDay({ actor, day: input.date, ip }));
    if (!outcome.ok) return data({ result: null, removeError: outcome.formError, notice: null }, { status: outcome.status });
    return { result: null, removeError: null, notice: { kind: "removed" as const, date: input.date } };
  }
  const { intent: _intent, ...day } = input;
  const outcome = await withDomainErrors(() => setCalendarDay({ actor, input: day, ip }));
  if (!outcome.ok) {
    return data({ result: submission.reply({ formErrors: [outcome.formError] }), removeError: null, notice: null }, { status: outcome.status });
  }
  return {
    result: submission.reply({ resetForm: true }),
    removeError: null,
    notice: { kind: outcome.value.changed ? ("saved" as const) : ("unchanged" as const), date: input.date },
  };
}

type LoaderData = Route.ComponentProps["loaderData"];
type DayRow = LoaderData["days"][number];

const HOLIDAY_STYLE = { background: "#fff1f0", color: "#a8071a", fontWeight: 600 } as const;
const WORKDAY_STYLE = { background: "#e6f4ff", color: "#003eb3", fontWeight: 600 } as const;
const WEEKEND_STYLE = { color: "#8c8c8c" } as const;
const WEEKDAY_KEYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

const dayName = (d: DayRow, locale: Locale) => (locale === "zh-CN" ? d.nameZh : d.nameEn);

function weekdayLabel(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { weekday: "short", timeZone: "UTC" }).format(new Date(`${date}T00:00:00Z`));
}

function editLink(year: number, date: string): string {
  return `?${new URLSearchParams({ year: String(year), edit: date }).toString()}`;
}

/** One month, Monday first as Chinese calendars are. Days with an exception link to the form. */
function Month({ year, month, byDate, today }: { year: number; month: number; byDate: Map<string, DayRow>; today: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const first = new Date(Date.UTC(year, month, 1));
  const length = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const lead = (first.getUTCDay() + 6) % 7; // Monday = 0
  const cells: (number | null)[] = [...Array<null>(lead).fill(null), ...Array.from({ length }, (_, i) => i + 1)];
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
  const caption = new Intl.DateTimeFormat(locale, { month: "long", timeZone: "UTC" }).format(first);
  return (
    <table className="calendar-month" style={{ width: "100%", borderCollapse: "collapse", tableLayout: "fixed", textAlign: "center" }}>
      <caption style={{ captionSide: "top", fontWeight: 600, padding: "4px 0", textAlign: "left" }}>{caption}</caption>
      <thead>
        <tr>
          {WEEKDAY_KEYS.map((k) => (
            <th key={k} scope="col" style={{ fontWeight: 400, fontSize: 12, color: "#595959" }}>
              {t(`calendar.weekdaysShort.${k}`)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week, w) => (
          <tr key={w}>
            {week.map((d, i) => {
              if (d === null) return <td key={i} />;
              const date = `${year}-${String(month + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
              const exception = byDate.get(date);
              const style = exception ? (exception.isWorkday ? WORKDAY_STYLE : HOLIDAY_STYLE) : i >= 5 ? WEEKEND_STYLE : undefined;
              const outline = date === today ? { outline: "2px solid #1677ff", outlineOffset: -2 } : undefined;
              return (
                <td key={i} style={{ padding: 2, fontSize: 13, borderRadius: 4, ...style, ...outline }}>
                  {exception ? (
                    <Link
                      to={editLink(year, date)}
                      preventScrollReset
                      title={dayName(exception, locale)}
                      aria-label={t("calendar.dayLabel", { date, name: dayName(exception, locale) })}
                      style={{ color: "inherit", display: "block" }}
                    >
                      {d}
                    </Link>
                  ) : (
                    d
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RemoveButton({ row }: { row: DayRow }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "remove" && navigation.formData.get("date") === row.date;
  return (
    <Form method="post" ref={formRef} className="inline-form" preventScrollReset>
      <CsrfInput />
      <input type="hidden" name="intent" value="remove" />
      <input type="hidden" name="date" value={row.date} />
      <Popconfirm
        title={t("calendar.removeConfirmTitle", { date: row.date })}
        description={t("calendar.removeConfirm")}
        okText={t("calendar.remove")}
        okButtonProps={{ danger: true }}
        cancelText={t("common.cancel")}
        onConfirm={() => {
          if (formRef.current) void submit(formRef.current, { preventScrollReset: true });
        }}
      >
        <Button danger size="small" htmlType="button" loading={busy} data-testid="calendar-remove">
          {t("calendar.remove")}
        </Button>
      </Popconfirm>
    </Form>
  );
}

/** Add or change one day, opened on the day from `?edit=` when there is one. */
function DayForm({ year, edit, lastResult }: { year: number; edit: LoaderData["edit"]; lastResult: SubmissionResult<string[]> | null }) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const [form, fields] = useForm({
    lastResult: lastResult ?? undefined,
    defaultValue: edit
      ? {
          date: edit.date,
          kind: edit.day ? (edit.day.isWorkday ? "WORKDAY" : "HOLIDAY") : isWeekend(edit.date) ? "WORKDAY" : "HOLIDAY",
          nameZh: edit.day?.nameZh ?? "",
          nameEn: edit.day?.nameEn ?? "",
        }
      : { kind: "HOLIDAY" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: CalendarDaySchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const formError = translateError(t, form.errors?.[0]);
  const submitting = navigation.state === "submitting" && navigation.formData?.get("intent") === "set";
  return (
    <Card title={edit?.day ? t("calendar.editTitle", { date: edit.date }) : t("calendar.formTitle")}>
      {formError && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={formError} />}
      <Typography.Paragraph type="secondary">{t("calendar.formHelp")}</Typography.Paragraph>
      <Form method="post" {...getFormProps(form)} preventScrollReset>
        <CsrfInput />
        <input type="hidden" name="intent" value="set" />
        <AntForm layout="vertical" component={false}>
          <Row gutter={16}>
            <Col xs={24} sm={12}>
              <Field id={fields.date.id} label={t("calendar.fields.date")} errors={fields.date.errors} help={t("calendar.dateHelp")} required>
                <Input
                  {...inputProps(fields.date, { type: "date" })}
                  key={form.key}
                  min={`${CALENDAR_LIMITS.minYear}-01-01`}
                  max={`${CALENDAR_LIMITS.maxYear}-12-31`}
                  data-testid="calendar-date"
                />
              </Field>
            </Col>
            <Col xs={24} sm={12}>
              <AntForm.Item
                label={<span id={`${fields.kind.id}-label`}>{t("calendar.fields.kind")}</span>}
                required
                validateStatus={fields.kind.errors ? "error" : undefined}
                help={fields.kind.errors ? <span role="alert">{translateError(t, fields.kind.errors[0])}</span> : undefined}
              >
                <Radio.Group
                  key={form.key}
                  name={fields.kind.name}
                  defaultValue={fields.kind.initialValue as string | undefined}
                  aria-labelledby={`${fields.kind.id}-label`}
                  options={CALENDAR_DAY_KINDS.map((k) => ({ value: k, label: t(`calendar.kinds.${k}`) }))}
                />
              </AntForm.Item>
            </Col>
            <Col xs={24} sm={12}>
              <Field id={fields.nameZh.id} label={t("calendar.fields.nameZh")} errors={fields.nameZh.errors} required>
                <Input
                  {...inputProps(fields.nameZh, { type: "text" })}
                  key={form.key}
                  maxLength={CALENDAR_LIMITS.nameMax}
                  placeholder={t("calendar.nameZhPlaceholder")}
                  autoComplete="off"
                />
              </Field>
            </Col>
            <Col xs={24} sm={12}>
              <Field id={fields.nameEn.id} label={t("calendar.fields.nameEn")} errors={fields.nameEn.errors} required>
                <Input
                  {...inputProps(fields.nameEn, { type: "text" })}
                  key={form.key}
                  maxLength={CALENDAR_LIMITS.nameMax}
                  placeholder={t("calendar.nameEnPlaceholder")}
                  autoComplete="off"
                />
              </Field>
            </Col>
          </Row>
          <Space wrap>
            <Button type="primary" htmlType="submit" loading={submitting} data-testid="calendar-save">
              {t("calendar.save")}
            </Button>
            {edit && (
              <Link to={`?year=${year}`} preventScrollReset>
                {t("calendar.cancelEdit")}
              </Link>
            )}
          </Space>
        </AntForm>
      </Form>
    </Card>
  );
}

export default function CalendarPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const { formRef, submitNow } = useSubmitOnChange();
  const { year, days } = loaderData;
  const byDate = new Map(days.map((d) => [d.date, d]));
  const holidays = days.filter((d) => !d.isWorkday).length;
  const notice = actionData?.notice;
  const removeError = translateError(t, actionData?.removeError ?? undefined);
  return (
    <Space orientation="vertical" size={16} style={{ width: "100%" }}>
      <div>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t("calendar.title")}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
          {t("calendar.intro")}
        </Typography.Paragraph>
      </div>
      {notice && (
        <Alert type="success" showIcon role="status" data-testid="calendar-notice" title={t(`calendar.${notice.kind}Notice`, { date: notice.date })} />
      )}
      {removeError && <Alert type="error" showIcon role="alert" title={removeError} />}

      <Form method="get" ref={formRef} aria-label={t("calendar.yearLabel")}>
        <Flex wrap gap={16} align="center">
          <span id="calendar-year-label">{t("calendar.yearLabel")}</span>
          <Radio.Group
            name="year"
            aria-labelledby="calendar-year-label"
            key={year}
            defaultValue={String(year)}
            optionType="button"
            options={loaderData.years.map((y) => ({ value: String(y), label: String(y) }))}
            onChange={submitNow}
          />
          <noscript>
            <Button htmlType="submit">{t("common.search")}</Button>
          </noscript>
          <Typography.Text data-testid="calendar-summary">
            {t("calendar.yearSummary", { year, holidays, workdays: days.length - holidays, working: loaderData.workingDays })}
          </Typography.Text>
        </Flex>
      </Form>

      <DayForm key={JSON.stringify(loaderData.edit)} year={year} edit={loaderData.edit} lastResult={actionData?.result ?? null} />

      <Card
        title={t("calendar.gridTitle", { year })}
        extra={
          <Space size={4} wrap aria-label={t("calendar.legendLabel")}>
            <Tag color="red">{t("calendar.legend.holiday")}</Tag>
            <Tag color="blue">{t("calendar.legend.workday")}</Tag>
            <Tag>{t("calendar.legend.weekend")}</Tag>
            <Tag style={{ outline: "2px solid #1677ff", outlineOffset: -2 }}>{t("calendar.legend.today")}</Tag>
          </Space>
        }
      >
        <div style={{ display: "grid", gridTemplateColumns: "repeat(auto-fill, minmax(210px, 1fr))", gap: 16 }} data-testid="calendar-grid">
          {Array.from({ length: 12 }, (_, m) => (
            <Month key={m} year={year} month={m} byDate={byDate} today={loaderData.today} />
          ))}
        </div>
      </Card>

      <Card title={t("calendar.listTitle", { year })}>
        {days.length === 0 ? (
          <Alert type="info" showIcon title={t("calendar.empty", { year })} data-testid="calendar-empty" />
        ) : (
          <Table<DayRow>
            data-testid="calendar-days"
            rowKey="date"
            size="small"
            dataSource={days}
            scroll={{ x: "max-content" }}
            pagination={{ pageSize: 50, hideOnSinglePage: true, showTotal: (total) => t("common.total", { count: total }) }}
            locale={{ emptyText: t("common.noData") }}
            columns={[
              { title: t("calendar.columns.date"), dataIndex: "date" },
              { title: t("calendar.columns.weekday"), key: "weekday", render: (_, r) => weekdayLabel(r.date, locale) },
              {
                title: t("calendar.columns.kind"),
                key: "kind",
                render: (_, r) =>
                  r.isWorkday ? <Tag color="blue">{t("calendar.kindTags.WORKDAY")}</Tag> : <Tag color="red">{t("calendar.kindTags.HOLIDAY")}</Tag>,
              },
              {
                title: t("calendar.columns.name"),
                key: "name",
                render: (_, r) => <span title={locale === "zh-CN" ? r.nameEn : r.nameZh}>{dayName(r, locale)}</span>,
              },
              {
                title: t("calendar.columns.actions"),
                key: "actions",
                render: (_, r) => (
                  <Space size="small">
                    <Link to={editLink(year, r.date)} preventScrollReset>
                      {t("calendar.edit")}
                    </Link>
                    <RemoveButton row={r} />
                  </Space>
                ),
              },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}
