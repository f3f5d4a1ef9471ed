import type { Db } from "~/db.server";
import { parseMonitoringFilters, type MonitoringFilters } from "./filters";
import { loadMonitoring, type MonitoringDashboard } from "./load-monitoring.server";

export type MonitoringChoices = {
  banks: { id: string; nameZh: string; nameEn: string }[];
  /** The chosen bank's products (a product is chosen within a bank). */
  products: { id: string; nameZh: string; nameEn: string | null }[];
};

export type MonitoringView =
  | { ok: true; filters: MonitoringFilters; dashboard: MonitoringDashboard; choices: MonitoringChoices }
  | { ok: false; errors: string[]; choices: MonitoringChoices };

/**
 * What the monitoring page and its CSV exports both read: the query string's
 * filters, checked against what exists (a bank that is a bank, a product of
 * that bank), the choices for the filter controls, and the dashboard.
 * A bad filter is refused whole (errors are i18n keys), never half applied.
 */
export async function loadMonitoringView(db: Db, params: URLSearchParams, now: Date = new Date()): Promise<MonitoringView> {
  const parsed = parseMonitoringFilters(params, now);
  const bankId = parsed.ok ? parsed.filters.institutionId : undefined;
  const [banks, products, product] = await Promise.all([
    db.institution.findMany({ where: { kind: "BANK" }, select: { id: true, nameZh: true, nameEn: true }, orderBy: { code: "asc" } }),
    bankId
      ? db.product.findMany({
          where: { institutionId: bankId, status: { in: ["LISTED", "DELISTED"] } },
          select: { id: true, nameZh: true, nameEn: true },
          orderBy: { code: "asc" },
        })
      : Promise.resolve([]),
    parsed.ok && parsed.filters.productId
      ? db.product.findUnique({ where: { id: parsed.filters.productId }, select: { institutionId: true } })
      : Promise.resolve(null),
  ]);
  const choices = { banks, products };
  if (!parsed.ok) return { ok: false, errors: parsed.errors, choices };
  const errors: string[] = [];
  if (bankId && !banks.some((b) => b.id === bankId)) errors.push("errors.monitoring.bank");
  if (parsed.filters.productId && (!product || (bankId && product.institutionId !== bankId))) errors.push("errors.monitoring.product");
  if (errors.length) return { ok: false, errors, choices };
  return { ok: true, filters: parsed.filters, dashboard: await loadMonitoring(db, parsed.filters), choices };
}
