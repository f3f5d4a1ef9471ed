import { EditOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Input, Popconfirm, Space, Timeline, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Form, Link, data, useNavigation, useSearchParams, useSubmit } from "react-router";
import type { Route } from "./+types/product";
import { CsrfInput, translateError } from "~/components/forms";
import { LinkButton } from "~/components/LinkButton";
import { ProductFacts } from "~/components/products/ProductFacts";
import { ProductStatusTag } from "~/components/products/ProductStatusTag";
import { changeProductStatus } from "~/domain/products/change-product-status.server";
import { loadProductForStaff } from "~/domain/products/load-product.server";
import { formatDateTime } from "~/i18n/format";
import { ProductTransitionSchema, type ProductTransition } from "~/schemas/products";
import { clientIp, orHttpError, requirePermission, withDomainErrors } from "~/web/request.server";

export const meta: Route.MetaFunction = ({ data }) => [{ title: `${data?.product.nameZh ?? "产品"} · 信易贷` }];

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const actor = requirePermission(request, context, "manage:product:institution", "review:product:any");
  return orHttpError(() => loadProductForStaff(actor, params.productId));
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const actor = requirePermission(request, context, "manage:product:institution", "review:product:any");
  const formData = await request.formData();
  const parsed = ProductTransitionSchema.safeParse(Object.fromEntries(formData));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return data({ done: null, error: issue?.path[0] === "comment" ? issue.message : "invalid" }, { status: 400 });
  }
  const outcome = await withDomainErrors(() =>
    changeProductStatus({ actor, productId: params.productId, command: parsed.data, ip: clientIp(request) }),
  );
  if (!outcome.ok) return data({ done: null, error: outcome.formError }, { status: outcome.status });
  return { done: parsed.data.intent, error: null };
}

/** Commands that need a written reason get a text box; the others a confirmation. */
const WITH_COMMENT: readonly ProductTransition[] = ["approve", "return", "delist"];

export default function ProductPage({ loaderData, actionData }: Route.ComponentProps) {
  const { t } = useTranslation();
  const { product, events, commands, ownBank } = loaderData;
  const [searchParams] = useSearchParams();
  const submit = useSubmit();
  const navigation = useNavigation();
  const [comment, setComment] = useState("");
  const busy = navigation.state === "submitting";
  const created = searchParams.get("done");
  const lastEvent = events[0];
  const returned = product.status === "DRAFT" && lastEvent?.fromStatus === "UNDER_REVIEW" && lastEvent.comment;
  const error = actionData?.error ? translateError(t, actionData.error) : null;

  const send = (intent: ProductTransition, withComment = false) => {
    const body = new FormData();
    body.set("intent", intent);
    body.set("version", String(product.version));
    if (withComment) body.set("comment", comment);
    body.set("csrf", (document.querySelector('input[name="csrf"]') as HTMLInputElement | null)?.value ?? "");
    void submit(body, { method: "post" });
  };
  const simple = commands.filter((c) => !WITH_COMMENT.includes(c));
  const reasoned = commands.filter((c) => WITH_COMMENT.includes(c));

  return (
    <>
      <CsrfInput />
      <Space align="center" wrap style={{ marginBottom: 8 }}>
        <Typography.Title level={2} style={{ margin: 0 }} data-testid="product-title">
          {product.nameZh}
        </Typography.Title>
        <ProductStatusTag status={product.status} />
      </Space>
      {(created === "created" || created === "saved") && !actionData && (
        <Alert type="success" showIcon role="status" style={{ marginBottom: 16 }} title={t(`product.view.${created}`)} />
      )}
      {actionData?.done && <Alert type="success" showIcon role="status" style={{ marginBottom: 16 }} title={t(`product.done.${actionData.done}`)} data-testid="product-done" />}
      {error && <Alert type="error" showIcon role="alert" style={{ marginBottom: 16 }} title={error} />}
      {returned && ownBank && (
        <Alert type="warning" showIcon style={{ marginBottom: 16 }} title={t("product.view.returnedBy")} description={lastEvent.comment} data-testid="product-returned" />
      )}

      {(commands.length > 0 || (ownBank && product.status === "DRAFT")) && (
        <Card size="small" style={{ marginBottom: 16 }}>
          <Space wrap>
            {ownBank && product.status === "DRAFT" && (
              <LinkButton to={`/app/products/${product.id}/edit`} icon={<EditOutlined />} data-testid="product-edit">
                {t("product.view.edit")}
              </LinkButton>
            )}
            {simple.map((c) => (
              <Popconfirm
                key={c}
                title={t(`product.confirm.${c as "submit" | "withdraw" | "revise"}`)}
                okText={t(`product.commands.${c}`)}
                cancelText={t("common.cancel")}
                onConfirm={() => send(c)}
              >
                <Button type={c === "submit" ? "primary" : "default"} loading={busy} data-testid={`product-${c}`}>
                  {t(`product.commands.${c}`)}
                </Button>
              </Popconfirm>
            ))}
          </Space>
          {reasoned.length > 0 && (
            <Form method="post" onSubmit={(e) => e.preventDefault()} style={{ marginTop: simple.length ? 12 : 0 }}>
              <label htmlFor="product-comment" style={{ display: "block", marginBottom: 4 }}>
                {t(reasoned.includes("delist") ? "product.commentLabel.delist" : "product.commentLabel.review")}
              </label>
              <Input.TextArea id="product-comment" name="comment" rows={2} maxLength={500} value={comment} onChange={(e) => setComment(e.target.value)} />
              <Space wrap style={{ marginTop: 8 }}>
                {reasoned.map((c) => (
                  <Button
                    key={c}
                    type={c === "approve" ? "primary" : "default"}
                    danger={c === "delist" || c === "return"}
                    loading={busy}
                    onClick={() => send(c, true)}
                    data-testid={`product-${c}`}
                  >
                    {t(`product.commands.${c}`)}
                  </Button>
                ))}
              </Space>
            </Form>
          )}
        </Card>
      )}

      {product.status === "LISTED" && (
        <Typography.Paragraph>
          <Link to={`/app/supermarket/${product.id}`}>{t("product.view.publicLink")}</Link>
        </Typography.Paragraph>
      )}
      <ProductFacts product={product} />
      <Card title={t("product.view.history")} size="small" style={{ marginTop: 16 }}>
        {events.length === 0 ? (
          <Typography.Text type="secondary">{t("product.view.historyEmpty")}</Typography.Text>
        ) : (
          <Timeline
            data-testid="product-history"
            items={events.map((e) => ({
              key: e.id,
              content: (
                <>
                  <Typography.Text strong>
                    {e.fromStatus ? `${t(`productStatus.${e.fromStatus}`)} → ` : ""}
                    {t(`productStatus.${e.toStatus}`)}
                  </Typography.Text>{" "}
                  <Typography.Text type="secondary">
                    {formatDateTime(e.at)} · {t("product.view.by")} {e.actorName}
                  </Typography.Text>
                  {e.comment && <div>{e.comment}</div>}
                </>
              ),
            }))}
          />
        )}
      </Card>
    </>
  );
}
