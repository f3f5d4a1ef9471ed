import { Pagination } from "antd";
import { useTranslation } from "react-i18next";
import { Link, useLocation } from "react-router";

/** Server-side pages as real links (`?page=N`, other parameters kept), so paging works by keyboard and without script. */
export function SearchPagination({ total, page, pageSize }: { total: number; page: number; pageSize: number }) {
  const { t } = useTranslation();
  const location = useLocation();
  const href = (n: number) => {
    const params = new URLSearchParams(location.search);
    if (n <= 1) params.delete("page");
    else params.set("page", String(n));
    const search = params.toString();
    return `${location.pathname}${search ? `?${search}` : ""}`;
  };
  if (total <= pageSize) return null;
  return (
    <nav aria-label={t("search.pages")} style={{ marginTop: 16, display: "flex", justifyContent: "center" }}>
      <Pagination
        current={page}
        pageSize={pageSize}
        total={total}
        showSizeChanger={false}
        showTotal={(n) => t("common.total", { count: n })}
        itemRender={(n, type, original) => {
          if (type === "page" || type === "prev" || type === "next") {
            return (
              <Link to={href(n)} aria-label={type === "page" ? t("search.pageN", { n }) : t(`search.${type}`)}>
                {type === "page" ? n : original}
              </Link>
            );
          }
          return original;
        }}
      />
    </nav>
  );
}
