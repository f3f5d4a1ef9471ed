import { Progress, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";

export type BatchProgressView = {
  status: string;
  sizeBytes: number;
  bytesDone: number;
  rowsDone: number;
  rowsTotal: number | null;
  rowsAccepted: number;
  rowsRejected: number;
};

export const BATCH_IN_PROGRESS = new Set(["QUEUED", "VALIDATING", "APPLYING"]);

/** Where a batch is: reading and checking the file (by bytes), then writing rows (by rows). */
export function BatchProgress({ batch, compact }: { batch: BatchProgressView; compact?: boolean }) {
  const { t } = useTranslation();
  const percent =
    batch.status === "VALIDATING"
      ? Math.floor((batch.bytesDone * 100) / Math.max(1, batch.sizeBytes))
      : batch.status === "APPLYING"
        ? Math.floor((batch.rowsDone * 100) / Math.max(1, batch.rowsAccepted))
        : batch.status === "QUEUED"
          ? 0
          : 100;
  const status = batch.status === "FAILED" || batch.status === "REJECTED" ? "exception" : BATCH_IN_PROGRESS.has(batch.status) ? "active" : "success";
  const text =
    batch.status === "VALIDATING"
      ? t("imports.validating", { rows: batch.rowsDone, errors: batch.rowsRejected })
      : batch.status === "APPLYING"
        ? t("imports.applying", { done: batch.rowsDone, total: batch.rowsAccepted })
        : batch.status === "QUEUED"
          ? t("imports.queued")
          : null;
  return (
    <Space orientation="vertical" size={0} style={{ width: "100%", minWidth: compact ? 160 : undefined }}>
      <Progress
        percent={Math.min(100, percent)}
        status={status}
        size={compact ? "small" : "default"}
        aria-label={t("imports.progress")}
        data-testid="batch-progress"
      />
      {text && !compact && (
        <Typography.Text type="secondary" role="status">
          {text}
        </Typography.Text>
      )}
    </Space>
  );
}
