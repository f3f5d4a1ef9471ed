import { z } from "zod";
import type { Permission } from "~/domain/access/permissions";
import {
  BatchDetailResponseSchema,
  BatchIdParamsSchema,
  BatchListResponseSchema,
  BatchQuerySchema,
  ListBatchesQuerySchema,
  SignalBatchApiSchema,
  SubmitBatchResponseSchema,
} from "~/schemas/api/credit-signal-batches";
import {
  ApplicationDecisionBodySchema,
  ApplicationIdParamsSchema,
  ApplicationListQuerySchema,
  ApplicationListResponseSchema,
  ApplicationResponseSchema,
  DisbursementBodySchema,
  LoanIdParamsSchema,
  LoanResponseSchema,
  RepaymentBodySchema,
  RepaymentResponseSchema,
} from "~/schemas/api/applications";
import { InboxApiQuerySchema, InboxResponseSchema } from "~/schemas/api/inbox";
import { ProductRefParamsSchema, ProductResponseSchema, ProductSavedResponseSchema, ProductUpsertBodySchema } from "~/schemas/api/products";

/**
 * Every operation of the JSON API, as data: the OpenAPI document
 * (openapi.server.ts) is built from this list, with the very zod schemas the
 * route modules validate with, and a test checks that every route module
 * under routes/api/v1 is listed. Adding an endpoint means adding it here.
 *
 * The errors every operation of a kind can answer (authentication,
 * validation, idempotency, 500) are added by the document builder; list here
 * only the success responses and the errors particular to the operation.
 */

export type Text = { zh: string; en: string };
export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export type ApiResponseSpec = {
  description: Text;
  /** The JSON body; none for an empty response. */
  schema?: z.ZodType;
  /** Response headers by name. */
  headers?: Record<string, Text>;
};

export type ApiOperation = {
  operationId: string;
  method: HttpMethod;
  /** The OpenAPI path, parameters as `{name}` (React Router's `:name`). */
  path: string;
  /** The route module serving it, relative to app/. */
  route: string;
  summary: Text;
  description?: Text;
  tags: readonly string[];
  /** An API key holding the permission, or no authentication at all. */
  security: { permission: Permission } | "public";
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Success responses by status. */
  responses: Record<number, ApiResponseSpec>;
  /** Error codes particular to this operation, by status. */
  errors?: Record<number, readonly string[]>;
};

export const API_TAGS: Record<string, Text> = {
  "credit-signals": { zh: "信用信息归集（财政局、数据交换平台）", en: "Credit signals (finance office, data exchange)" },
  products: { zh: "金融产品（银行）", en: "Financial products (banks)" },
  inbox: { zh: "融资需求（银行）", en: "Financing needs (banks)" },
  applications: { zh: "贷款申请（银行）", en: "Loan applications (banks)" },
  loans: { zh: "放款与还款（银行）", en: "Disbursements and repayments (banks)" },
  meta: { zh: "接口说明", en: "About the API" },
};

const LOCATION: Record<string, Text> = { Location: { zh: "新资源的地址", en: "Where the new resource is" } };

export const API_OPERATIONS: readonly ApiOperation[] = [
  {
    operationId: "submitCreditSignalBatch",
    method: "post",
    path: "/api/v1/credit-signal-batches",
    route: "routes/api/v1/credit-signal-batches.ts",
    summary: { zh: "提交一批信用信息", en: "Submit a batch of credit signals" },
    description: {
      zh: "批次排队后在后台校验、入库。相同类型、相同内容的批次此前已提交时，不做任何更改并返回 200 与原批次。",
      en: "The batch is queued and validated in the background. The same rows of the same kind submitted before change nothing and answer 200 with the earlier batch.",
    },
    tags: ["credit-signals"],
    security: { permission: "import:credit-signal:any" },
    body: SignalBatchApiSchema,
    responses: {
      200: { description: { zh: "相同内容的批次此前已提交", en: "The same content was submitted before" }, schema: SubmitBatchResponseSchema },
      202: { description: { zh: "已受理，排队处理", en: "Accepted and queued" }, schema: SubmitBatchResponseSchema, headers: LOCATION },
    },
    errors: { 413: ["import.fileTooLarge"] },
  },
  {
    operationId: "listCreditSignalBatches",
    method: "get",
    path: "/api/v1/credit-signal-batches",
    route: "routes/api/v1/credit-signal-batches.ts",
    summary: { zh: "本机构提交的批次", en: "The institution's batches" },
    description: { zh: "按提交时间倒序。", en: "Newest first." },
    tags: ["credit-signals"],
    security: { permission: "import:credit-signal:any" },
    query: ListBatchesQuerySchema,
    responses: { 200: { description: { zh: "一页批次", en: "A page of batches" }, schema: BatchListResponseSchema } },
  },
  {
    operationId: "getCreditSignalBatch",
    method: "get",
    path: "/api/v1/credit-signal-batches/{batchId}",
    route: "routes/api/v1/credit-signal-batch.ts",
    summary: { zh: "批次状态与错误明细", en: "A batch's status and row errors" },
    description: {
      zh: "状态、计数、进度，以及 errorsAfterLine 之后最多 200 条行错误（每页以整行结束）。其他机构的批次返回 404。",
      en: "Status, counts, progress and up to 200 row errors after errorsAfterLine (a page ends on a whole line). Other institutions' batches answer 404.",
    },
    tags: ["credit-signals"],
    security: { permission: "import:credit-signal:any" },
    pathParams: BatchIdParamsSchema,
    query: BatchQuerySchema,
    responses: { 200: { description: { zh: "批次", en: "The batch" }, schema: BatchDetailResponseSchema } },
  },
  {
    operationId: "upsertProduct",
    method: "put",
    path: "/api/v1/products/{externalRef}",
    route: "routes/api/v1/products.ts",
    summary: { zh: "按银行产品编码新建或修改产品", en: "Create or update a product by the bank's own code" },
    description: {
      zh: "该编码下没有产品时新建草稿（201）；是草稿时保存修改（200）；已提交审核、已上架或已下架时返回 409 productNotEditable，须先在网页端撤回或修订为草稿。submitForReview 为 true 时保存后提交财政局审核。",
      en: "No product under the code: a new draft (201). A draft: saved (200). Under review, listed or delisted: 409 productNotEditable; withdraw or revise it in the web console first. With submitForReview, the draft is submitted to the finance office after saving.",
    },
    tags: ["products"],
    security: { permission: "manage:product:institution" },
    pathParams: ProductRefParamsSchema,
    body: ProductUpsertBodySchema,
    responses: {
      200: { description: { zh: "草稿已保存", en: "The draft was saved" }, schema: ProductSavedResponseSchema },
      201: { description: { zh: "已新建草稿", en: "A new draft was created" }, schema: ProductSavedResponseSchema, headers: LOCATION },
    },
    errors: { 400: ["product.fundInactive", "product.bankInactive"], 409: ["productNotEditable", "product.stale"] },
  },
  {
    operationId: "getProduct",
    method: "get",
    path: "/api/v1/products/{externalRef}",
    route: "routes/api/v1/products.ts",
    summary: { zh: "按银行产品编码查询产品", en: "Read a product by the bank's own code" },
    tags: ["products"],
    security: { permission: "manage:product:institution" },
    pathParams: ProductRefParamsSchema,
    responses: { 200: { description: { zh: "产品（金额单位：分，利率单位：基点）", en: "The product (money in fen, rates in basis points)" }, schema: ProductResponseSchema } },
  },
  {
    operationId: "listNeedInbox",
    method: "get",
    path: "/api/v1/inbox",
    route: "routes/api/v1/inbox.ts",
    summary: { zh: "与本行产品匹配的融资需求", en: "Financing needs matched to the bank's products" },
    description: {
      zh: "与本行已上架产品匹配、仍有效的融资需求，默认按匹配度排序；每条附本行最匹配的产品。",
      en: "Open needs the bank's listed products match, best match first by default, each with the bank's best product for it.",
    },
    tags: ["inbox"],
    security: { permission: "read:need-inbox:institution" },
    query: InboxApiQuerySchema,
    responses: { 200: { description: { zh: "一页需求", en: "A page of needs" }, schema: InboxResponseSchema } },
  },
  {
    operationId: "listApplications",
    method: "get",
    path: "/api/v1/applications",
    route: "routes/api/v1/applications.ts",
    summary: { zh: "本行收到的贷款申请", en: "The bank's loan applications" },
    description: {
      zh: "按提交时间倒序。view=open（默认）为进行中，overdue 为超过答复期限仍未答复，closed 为已结束，all 为全部。",
      en: "Newest first. view=open (default): in progress; overdue: unanswered past the deadline; closed: finished; all.",
    },
    tags: ["applications"],
    security: { permission: "decide:application:institution" },
    query: ApplicationListQuerySchema,
    responses: { 200: { description: { zh: "一页申请", en: "A page of applications" }, schema: ApplicationListResponseSchema } },
  },
  {
    operationId: "getApplication",
    method: "get",
    path: "/api/v1/applications/{applicationId}",
    route: "routes/api/v1/application.ts",
    summary: { zh: "查询一笔申请", en: "Read an application" },
    tags: ["applications"],
    security: { permission: "decide:application:institution" },
    pathParams: ApplicationIdParamsSchema,
    responses: { 200: { description: { zh: "申请", en: "The application" }, schema: ApplicationResponseSchema } },
  },
  {
    operationId: "decideApplication",
    method: "post",
    path: "/api/v1/applications/{applicationId}/decision",
    route: "routes/api/v1/application-decision.ts",
    summary: { zh: "受理、拒绝或批准申请", en: "Accept, decline or approve an application" },
    description: {
      zh: "accept：受理（答复计时以此为准）；decline：拒绝，须给出原因代码；approve：按产品范围内的条件批准，企业确认后方可放款。状态不允许时返回 409 application.illegalTransition。",
      en: "accept starts the review (and is the answer the deadline measures); decline needs a reason code; approve gives terms within the product's ranges, which the enterprise then accepts. A step the status does not allow answers 409 application.illegalTransition.",
    },
    tags: ["applications"],
    security: { permission: "decide:application:institution" },
    pathParams: ApplicationIdParamsSchema,
    body: ApplicationDecisionBodySchema,
    responses: { 200: { description: { zh: "处理后的申请", en: "The application after the decision" }, schema: ApplicationResponseSchema } },
    errors: {
      409: ["application.illegalTransition", "application.stale"],
      422: ["application.amountOutOfRange", "application.termOutOfRange", "application.rateOutOfRange", "application.methodNotOffered"],
    },
  },
  {
    operationId: "reportDisbursement",
    method: "post",
    path: "/api/v1/applications/{applicationId}/disbursement",
    route: "routes/api/v1/application-disbursement.ts",
    summary: { zh: "报告放款", en: "Report a disbursement" },
    description: {
      zh: "企业已接受批复的申请放款后调用：生成贷款与还款计划，并将放款记入账本，只记一次。",
      en: "After paying out an offer the enterprise accepted: creates the loan and its repayment schedule and records the disbursement in the ledger, exactly once.",
    },
    tags: ["loans"],
    security: { permission: "manage:loan:institution" },
    pathParams: ApplicationIdParamsSchema,
    body: DisbursementBodySchema,
    responses: { 201: { description: { zh: "贷款与还款计划", en: "The loan and its schedule" }, schema: LoanResponseSchema, headers: LOCATION } },
    errors: { 409: ["application.illegalTransition", "application.stale", "loan.disbursementKeyReused"], 422: ["loan.disbursedInFuture", "loan.disbursedBeforeApproval"] },
  },
  {
    operationId: "getLoan",
    method: "get",
    path: "/api/v1/loans/{loanId}",
    route: "routes/api/v1/loan.ts",
    summary: { zh: "查询贷款与还款计划", en: "Read a loan and its schedule" },
    tags: ["loans"],
    security: { permission: "manage:loan:institution" },
    pathParams: LoanIdParamsSchema,
    responses: { 200: { description: { zh: "贷款", en: "The loan" }, schema: LoanResponseSchema } },
  },
  {
    operationId: "reportRepayment",
    method: "post",
    path: "/api/v1/loans/{loanId}/repayments",
    route: "routes/api/v1/loan-repayments.ts",
    summary: { zh: "报告还款", en: "Report a repayment" },
    description: {
      zh: "依次冲抵：已到期各期利息、本金，当期利息，剩余提前归还本金（自最后一期往前）。须按到账日期顺序报告，金额不超过一次结清所需。",
      en: "Applied to interest then principal of instalments due, then the current period's interest, then early repayment from the last instalment back. Report in date order; at most the payoff amount.",
    },
    tags: ["loans"],
    security: { permission: "manage:loan:institution" },
    pathParams: LoanIdParamsSchema,
    body: RepaymentBodySchema,
    responses: { 201: { description: { zh: "还款的冲抵结果", en: "How the repayment was applied" }, schema: RepaymentResponseSchema, headers: LOCATION } },
    errors: {
      409: ["loan.repaymentKeyReused"],
      422: ["loan.amountNotPositive", "loan.exceedsPayoff", "loan.loanSettled", "loan.receivedInFuture", "loan.receivedBeforeDisbursement", "loan.receivedBeforeLastRepayment"],
    },
  },
  {
    operationId: "getOpenApiDocument",
    method: "get",
    path: "/api/v1/openapi.json",
    route: "routes/api/v1/openapi-json.ts",
    summary: { zh: "本接口说明（OpenAPI 3.1）", en: "This description (OpenAPI 3.1)" },
    description: {
      zh: "无需认证；说明文字随 Accept-Language 为中文或英文。可浏览版本见 /api/docs。",
      en: "No authentication; descriptions in Chinese or English per Accept-Language. Browsable at /api/docs.",
    },
    tags: ["meta"],
    security: "public",
    responses: {
      200: { description: { zh: "OpenAPI 文档", en: "The OpenAPI document" }, schema: z.looseObject({ openapi: z.string(), info: z.looseObject({}), paths: z.looseObject({}) }) },
    },
  },
];
