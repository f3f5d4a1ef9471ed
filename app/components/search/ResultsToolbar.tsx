import { Space, Typography } from "antd";

/**
 * Above a result list: the count (announced to screen readers as it changes),
 * the sort as a native select inside the page's GET form, and optional extras
 * such as a reset link.
 */
export function ResultsToolbar(props: {
  total: string;
  testId: string;
  sort: { id: string; label: string; value: string; options: { value: string; label: string }[]; onChange: () => void };
  children?: React.ReactNode;
}) {
  const { sort } = props;
  return (
    <div style={{ display: "flex", flexWrap: "wrap", gap: 8, justifyContent: "space-between", alignItems: "center", marginBottom: 12 }}>
      <Typography.Text strong role="status" data-testid={props.testId}>
        {props.total}
      </Typography.Text>
      <Space>
        <label htmlFor={sort.id}>{sort.label}</label>
        <select id={sort.id} name="sort" defaultValue={sort.value} onChange={sort.onChange} className="native-select" key={sort.value}>
          {sort.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        {props.children}
      </Space>
    </div>
  );
}
