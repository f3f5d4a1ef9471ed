import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiResponseObject, type ZodOpenApiResponsesObject } from "zod-openapi";
import type { Locale } from "~/i18n/i18n";
import { ApiErrorSchema, IdempotencyKeySchema } from "~/schemas/api/common";
import { API_OPERATIONS, API_TAGS, type ApiOperation, type Text } from "./api-operations";
import { translateCode } from "./api.server";
import { IDEMPOTENCY_HEADER, REPLAYED_HEADER } from "./idempotency.server";

/**
 * The OpenAPI 3.1 document of the JSON API, built from the operation list
 * (api-operations.ts) and the zod schemas the handlers validate with, in the
 * caller's language. Built once per language per process: it depends on
 * nothing but the code.
 */

type OpenApiDocument = ReturnType<typeof createDocument>;

const MUTATIONS = new Set(["post", "put", "patch", "delete"]);

const STATUS_TEXT: Record<number, Text> = {
  400: { zh: "请求有误", en: "Bad request" },
  401: { zh: "未认证", en: "Not authenticated" },
  403: { zh: "无权限", en: "Not allowed" },
  404: { zh: "不存在", en: "Not found" },
  409: { zh: "冲突", en: "Conflict" },
  413: { zh: "请求体过大", en: "Body too large" },
  415: { zh: "请求体不是 JSON", en: "Body is not JSON" },
  422: { zh: "未通过校验", en: "Invalid request" },
  429: { zh: "认证失败过多", en: "Too many failed authentications" },
  500: { zh: "服务器错误", en: "Server error" },
};

/** Placeholders for the messages' parameters, which only a real error fills in. */
const PLACEHOLDERS = { maxMb: "N", maxBytes: "N", seconds: "N", status: "N", max: "N" };

/** The error codes an operation can answer, by status: its own and those of its kind. */
function errorCodes(op: ApiOperation): Map<number, string[]> {
  const codes = new Map<number, string[]>();
  const add = (status: number, ...more: readonly string[]) => codes.set(status, [...new Set([...(codes.get(status) ?? []), ...more])]);
  const mutation = MUTATIONS.has(op.method);
  if (op.security !== "public") {
    add(401, "unauthorized", "invalidApiKey");
    add(403, "forbidden");
    add(429, "rateLimited");
  }
  if (op.pathParams) add(404, "notFound");
  if (mutation) add(400, "idempotencyKeyRequired", "idempotencyKeyInvalid");
  if (op.body) {
    add(400, "invalidJson");
    add(413, "payloadTooLarge");
    add(415, "unsupportedMediaType");
  }
  if (op.body || op.query || (mutation && op.pathParams)) add(422, "validationFailed");
  if (mutation) {
    add(409, "idempotencyKeyInFlight", "idempotencyResponseNotStored");
    add(422, "idempotencyKeyReused");
  }
  for (const [status, more] of Object.entries(op.errors ?? {})) add(Number(status), ...more);
  add(500, "server");
  return codes;
}

/** Response headers; those only sometimes sent (a replay's marker) are optional. */
function headersOf(headers: Record<string, Text>, locale: Locale) {
  return z.object(
    Object.fromEntries(
      Object.entries(headers).map(([name, text]) => {
        const schema = z.string().meta({ description: pick(text, locale) });
        return [name, name === REPLAYED_HEADER ? schema.optional() : schema];
      }),
    ),
  );
}

const pick = (text: Text, locale: Locale) => (locale === "zh-CN" ? text.zh : text.en);

function operationObject(op: ApiOperation, locale: Locale): ZodOpenApiOperationObject {
  const mutation = MUTATIONS.has(op.method);
  // Keyed by status code; the library types the keys as `${1|2|3|4|5}…` literals.
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    const headers = { ...spec.headers };
    if (mutation) {
      headers[REPLAYED_HEADER] = {
        zh: "为 true 时，这是此前同一 Idempotency-Key 请求的原样响应",
        en: "true when this is the stored response of an earlier request with the same Idempotency-Key",
      };
    }
    responses[status] = {
      description: pick(spec.description, locale),
      ...(spec.schema ? { content: { "application/json": { schema: spec.schema } } } : {}),
      ...(Object.keys(headers).length > 0 ? { headers: headersOf(headers, locale) } : {}),
    };
  }
  for (const [status, codes] of errorCodes(op)) {
    const lines = codes.map((code) => `- \`${code}\`: ${translateCode(locale, code, PLACEHOLDERS) ?? code}`);
    const retryAfter = status === 429 || (status === 409 && codes.includes("idempotencyKeyInFlight"));
    responses[String(status)] = {
      description: `${pick(STATUS_TEXT[status] ?? { zh: "错误", en: "Error" }, locale)}\n\n${lines.join("\n")}`,
      content: { "application/json": { schema: ApiErrorSchema } },
      ...(retryAfter ? { headers: headersOf({ "Retry-After": { zh: "建议等待的秒数", en: "Seconds to wait before retrying" } }, locale) } : {}),
    };
  }

  const permission = op.security === "public" ? null : op.security.permission;
  const description = [op.description ? pick(op.description, locale) : null, permission ? `${locale === "zh-CN" ? "所需权限" : "Permission"}: \`${permission}\`` : null]
    .filter(Boolean)
    .join("\n\n");
  return {
    operationId: op.operationId,
    summary: pick(op.summary, locale),
    ...(description ? { description } : {}),
    tags: [...op.tags],
    security: permission ? [{ bearerAuth: [] }] : [],
    ...(permission ? { "x-permission": permission } : {}),
    requestParams: {
      ...(op.pathParams ? { path: op.pathParams } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(mutation ? { header: z.object({ [IDEMPOTENCY_HEADER]: IdempotencyKeySchema }) } : {}),
    },
    ...(op.body ? { requestBody: { required: true, content: { "application/json": { schema: op.body } } } } : {}),
    responses: responses as ZodOpenApiResponsesObject,
  };
}

function buildDocument(locale: Locale): OpenApiDocument {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const op of API_OPERATIONS) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`two operations for ${op.method.toUpperCase()} ${op.path}`);
    item[op.method] = operationObject(op, locale);
  }
  const zh = locale === "zh-CN";
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "信易贷 Bank API",
      version: "v1",
      description: zh
        ? "金融机构系统通过 HTTPS 与 JSON 调用信易贷平台。以 `Authorization: Bearer <API 密钥>` 认证（在网页端“API 密钥”页创建）；修改类请求须带 `Idempotency-Key`。金额单位为分（整数），利率单位为基点。错误响应为 `{ error: { code, message, issues? } }`，message 随 Accept-Language 为中文或英文。"
        : "Institutions' systems call the 信易贷 platform over HTTPS with JSON. Authenticate with `Authorization: Bearer <API key>` (created on the web console's API keys page); requests that change data need an `Idempotency-Key`. Money is in fen (integers), rates in basis points. Errors are `{ error: { code, message, issues? } }`, the message in Chinese or English per Accept-Language.",
    },
    servers: [{ url: "/" }],
    tags: Object.entries(API_TAGS).map(([name, text]) => ({ name, description: pick(text, locale) })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "xyd_<prefix>_<secret>",
          description: zh ? "机构的 API 密钥" : "The institution's API key",
        },
      },
      schemas: { ApiError: ApiErrorSchema },
    },
  });
}

const documents = new Map<Locale, OpenApiDocument>();

/** The API's OpenAPI 3.1 document, with descriptions in the locale. */
export function openApiDocument(locale: Locale = "zh-CN"): OpenApiDocument {
  let document = documents.get(locale);
  if (!document) {
    document = buildDocument(locale);
    documents.set(locale, document);
  }
  return document;
}
