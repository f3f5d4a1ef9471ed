import { Input, Table, type TableColumnsType } from "antd";
import { useTranslation } from "react-i18next";
import { Form, useNavigate, useSearchParams } from "react-router";

/**
 * A table paged on the server: page and page size live in the URL, so a page
 * can be bookmarked, shared and reloaded, and the back button works.
 */
export function PagedTable<T extends { id: string }>(props: {
  columns: TableColumnsType<T>;
  rows: T[];
  total: number;
  page: number;
  pageSize: number;
  searchPlaceholder?: string;
  testId?: string;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  return (
    <>
      {props.searchPlaceholder && (
        <Form method="get" role="search" style={{ marginBottom: 16, maxWidth: 420 }}>
          <Input.Search
            name="q"
            defaultValue={params.get("q") ?? ""}
            placeholder={props.searchPlaceholder}
            aria-label={props.searchPlaceholder}
            enterButton={t("common.search")}
            allowClear
            onSearch={(value) => {
              const next = new URLSearchParams(params);
              if (value) next.set("q", value);
              else next.delete("q");
              next.delete("page");
              void navigate(`?${next.toString()}`);
            }}
          />
        </Form>
      )}
      <Table<T>
        data-testid={props.testId}
        rowKey="id"
        columns={props.columns}
        dataSource={props.rows}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: t("common.noData") }}
        pagination={{
          current: props.page,
          pageSize: props.pageSize,
          total: props.total,
          showSizeChanger: true,
          pageSizeOptions: [10, 20, 50, 100],
          showTotal: (total) => t("common.total", { count: total }),
          onChange: (page, pageSize) => {
            const next = new URLSearchParams(params);
            next.set("page", String(page));
            next.set("pageSize", String(pageSize));
            void navigate(`?${next.toString()}`);
          },
        }}
      />
    </>
  );
}
