-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "InstitutionKind" AS ENUM ('BANK', 'FINANCE_OFFICE', 'REGULATOR', 'PLATFORM');

-- CreateEnum
CREATE TYPE "InstitutionStatus" AS ENUM ('ACTIVE', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "UserStatus" AS ENUM ('ACTIVE', 'DISABLED');

-- CreateEnum
CREATE TYPE "EnterpriseSize" AS ENUM ('MICRO', 'SMALL', 'MEDIUM', 'LARGE');

-- CreateEnum
CREATE TYPE "SignalKind" AS ENUM ('TAX_GRADE', 'TAX_PAID', 'INVOICED_SALES', 'SOCIAL_INSURANCE', 'PROVIDENT_FUND', 'UTILITY_PAYMENT', 'DISHONEST_DEBTOR', 'ADMIN_PENALTY', 'RED_LIST', 'CREDIT_COMMITMENT');

-- CreateEnum
CREATE TYPE "ImportBatchStatus" AS ENUM ('QUEUED', 'RUNNING', 'APPLIED', 'REJECTED', 'FAILED');

-- CreateEnum
CREATE TYPE "ImportPolicy" AS ENUM ('ALL_OR_NOTHING', 'VALID_ROWS');

-- CreateEnum
CREATE TYPE "ObjectionKind" AS ENUM ('OBJECTION', 'REPAIR');

-- CreateEnum
CREATE TYPE "ObjectionStatus" AS ENUM ('OPEN', 'UPHELD', 'DISMISSED');

-- CreateEnum
CREATE TYPE "ModelKind" AS ENUM ('SCORECARD', 'MATCHING');

-- CreateEnum
CREATE TYPE "ProductType" AS ENUM ('CREDIT', 'MORTGAGE', 'PLEDGE', 'GUARANTEE');

-- CreateEnum
CREATE TYPE "ProductStatus" AS ENUM ('DRAFT', 'UNDER_REVIEW', 'LISTED', 'DELISTED');

-- CreateEnum
CREATE TYPE "RepaymentMethod" AS ENUM ('EQUAL_INSTALMENT', 'EQUAL_PRINCIPAL', 'INTEREST_ONLY_BULLET');

-- CreateEnum
CREATE TYPE "GuaranteeType" AS ENUM ('CREDIT', 'MORTGAGE', 'PLEDGE', 'GUARANTOR', 'GUARANTEE_COMPANY');

-- CreateEnum
CREATE TYPE "NeedStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'FULFILLED', 'CLOSED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "Urgency" AS ENUM ('LOW', 'NORMAL', 'HIGH');

-- CreateEnum
CREATE TYPE "ApplicationStatus" AS ENUM ('SUBMITTED', 'ACCEPTED', 'DECLINED', 'APPROVED', 'OFFER_ACCEPTED', 'OFFER_LAPSED', 'DISBURSED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "LoanStatus" AS ENUM ('CURRENT', 'OVERDUE', 'DEFAULTED', 'REPAID');

-- CreateEnum
CREATE TYPE "InstalmentStatus" AS ENUM ('DUE', 'PARTIALLY_PAID', 'PAID');

-- CreateEnum
CREATE TYPE "FundStatus" AS ENUM ('ACTIVE', 'CLOSED');

-- CreateEnum
CREATE TYPE "ClaimStatus" AS ENUM ('RESERVED', 'APPROVED', 'PARTIALLY_APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "LedgerTransferState" AS ENUM ('PREPARED', 'COMMITTED', 'FAILED');

-- CreateTable
CREATE TABLE "institutions" (
    "id" UUID NOT NULL,
    "kind" "InstitutionKind" NOT NULL,
    "code" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "status" "InstitutionStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "institutions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL,
    "username" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "phone" TEXT,
    "passwordHash" TEXT NOT NULL,
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "status" "UserStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "lastSignInAt" TIMESTAMP(3),

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "roles" (
    "key" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "permissions" TEXT[],
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "roles_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "memberships" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "roleKey" TEXT NOT NULL,
    "institutionId" UUID,
    "enterpriseId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdById" UUID,

    CONSTRAINT "memberships_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" CHAR(64) NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "ip" TEXT,
    "userAgent" TEXT,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enterprises" (
    "id" UUID NOT NULL,
    "uscc" CHAR(18) NOT NULL,
    "name" TEXT NOT NULL,
    "regionCode" CHAR(6) NOT NULL,
    "industryCode" TEXT NOT NULL,
    "size" "EnterpriseSize" NOT NULL,
    "foundedOn" DATE NOT NULL,
    "registeredCapitalFen" BIGINT NOT NULL,
    "legalRepName" TEXT NOT NULL,
    "legalRepIdNumber" TEXT,
    "contactPhone" TEXT,
    "address" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "enterprises_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_signal_batches" (
    "id" UUID NOT NULL,
    "kind" "SignalKind" NOT NULL,
    "source" TEXT NOT NULL,
    "fileName" TEXT,
    "fileSha256" CHAR(64) NOT NULL,
    "policy" "ImportPolicy" NOT NULL,
    "status" "ImportBatchStatus" NOT NULL DEFAULT 'QUEUED',
    "rowsTotal" INTEGER NOT NULL DEFAULT 0,
    "rowsDone" INTEGER NOT NULL DEFAULT 0,
    "rowsAccepted" INTEGER NOT NULL DEFAULT 0,
    "rowsRejected" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "institutionId" UUID NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "credit_signal_batches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_signals" (
    "id" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "kind" "SignalKind" NOT NULL,
    "naturalKey" TEXT NOT NULL,
    "batchId" UUID,
    "source" TEXT NOT NULL,
    "asOf" DATE NOT NULL,
    "period" TEXT,
    "grade" TEXT,
    "amountFen" BIGINT,
    "count" INTEGER,
    "ratioBps" INTEGER,
    "severity" TEXT,
    "startsOn" DATE,
    "endsOn" DATE,
    "kept" BOOLEAN,
    "repaired" BOOLEAN NOT NULL DEFAULT false,
    "details" JSONB NOT NULL DEFAULT '{}',
    "voidedAt" TIMESTAMP(3),
    "voidReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "credit_signals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_objections" (
    "id" UUID NOT NULL,
    "kind" "ObjectionKind" NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "signalId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "status" "ObjectionStatus" NOT NULL DEFAULT 'OPEN',
    "resolution" TEXT,
    "raisedById" UUID NOT NULL,
    "handledById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "handledAt" TIMESTAMP(3),

    CONSTRAINT "credit_objections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_versions" (
    "id" UUID NOT NULL,
    "kind" "ModelKind" NOT NULL,
    "version" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "sha256" CHAR(64) NOT NULL,
    "activatedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "credit_evaluations" (
    "id" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "inputSha256" CHAR(64) NOT NULL,
    "inputSnapshot" JSONB NOT NULL,
    "score" INTEGER NOT NULL,
    "grade" TEXT NOT NULL,
    "excluded" BOOLEAN NOT NULL,
    "exclusionReason" TEXT,
    "redListed" BOOLEAN NOT NULL,
    "reasons" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "authorisations" (
    "id" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "scopes" TEXT[],
    "purpose" TEXT NOT NULL,
    "grantedById" UUID NOT NULL,
    "grantedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revokedAt" TIMESTAMP(3),
    "revokedById" UUID,

    CONSTRAINT "authorisations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "data_access_logs" (
    "id" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "authorisationId" UUID NOT NULL,
    "resource" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "ip" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "data_access_logs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT,
    "type" "ProductType" NOT NULL,
    "scenarioTags" TEXT[],
    "description" TEXT NOT NULL DEFAULT '',
    "minAmountFen" BIGINT NOT NULL,
    "maxAmountFen" BIGINT NOT NULL,
    "minTermMonths" INTEGER NOT NULL,
    "maxTermMonths" INTEGER NOT NULL,
    "minRateBps" INTEGER NOT NULL,
    "maxRateBps" INTEGER NOT NULL,
    "repaymentMethods" "RepaymentMethod"[],
    "guaranteeTypes" "GuaranteeType"[],
    "eligibleRegionCodes" TEXT[],
    "eligibleIndustryCodes" TEXT[],
    "eligibleSizes" "EnterpriseSize"[],
    "minCreditGrade" TEXT,
    "minTaxGrade" TEXT,
    "minYearsInOperation" INTEGER NOT NULL DEFAULT 0,
    "fundId" UUID,
    "redListRateDiscountBps" INTEGER NOT NULL DEFAULT 0,
    "redListLimitUpliftBps" INTEGER NOT NULL DEFAULT 0,
    "requiredMaterials" TEXT[],
    "responseDeadlineWorkingDays" INTEGER NOT NULL,
    "status" "ProductStatus" NOT NULL DEFAULT 'DRAFT',
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "listedAt" TIMESTAMP(3),

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "product_events" (
    "id" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "fromStatus" "ProductStatus",
    "toStatus" "ProductStatus" NOT NULL,
    "actorId" UUID NOT NULL,
    "comment" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "product_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "financing_needs" (
    "id" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "termMonths" INTEGER NOT NULL,
    "purpose" TEXT NOT NULL,
    "maxRateBps" INTEGER NOT NULL,
    "guaranteeTypes" "GuaranteeType"[],
    "urgency" "Urgency" NOT NULL DEFAULT 'NORMAL',
    "expiresOn" DATE NOT NULL,
    "status" "NeedStatus" NOT NULL DEFAULT 'OPEN',
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "financing_needs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "matches" (
    "id" UUID NOT NULL,
    "needId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "eligible" BOOLEAN NOT NULL,
    "score" INTEGER NOT NULL,
    "rank" INTEGER,
    "reasons" JSONB NOT NULL,
    "failedRules" JSONB NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "matches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "need_claims" (
    "id" UUID NOT NULL,
    "needId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "need_claims_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "applications" (
    "id" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "needId" UUID,
    "authorisationId" UUID,
    "reroutedFromId" UUID,
    "status" "ApplicationStatus" NOT NULL DEFAULT 'SUBMITTED',
    "requestedAmountFen" BIGINT NOT NULL,
    "requestedTermMonths" INTEGER NOT NULL,
    "declineReasonCode" TEXT,
    "approvedAmountFen" BIGINT,
    "approvedRateBps" INTEGER,
    "approvedTermMonths" INTEGER,
    "approvedRepaymentMethod" "RepaymentMethod",
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "respondBy" TIMESTAMP(3) NOT NULL,
    "respondedAt" TIMESTAMP(3),
    "overdueSince" TIMESTAMP(3),
    "offerExpiresAt" TIMESTAMP(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "applications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "application_events" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "fromStatus" "ApplicationStatus",
    "toStatus" "ApplicationStatus" NOT NULL,
    "actorId" UUID,
    "reasonCode" TEXT,
    "note" TEXT,
    "idempotencyKey" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "application_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "loans" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "enterpriseId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "fundId" UUID,
    "fundRuleVersionId" UUID,
    "principalFen" BIGINT NOT NULL,
    "rateBps" INTEGER NOT NULL,
    "termMonths" INTEGER NOT NULL,
    "repaymentMethod" "RepaymentMethod" NOT NULL,
    "pureCredit" BOOLEAN NOT NULL,
    "firstTimeBorrower" BOOLEAN NOT NULL,
    "disbursedOn" DATE NOT NULL,
    "maturityOn" DATE NOT NULL,
    "status" "LoanStatus" NOT NULL DEFAULT 'CURRENT',
    "outstandingPrincipalFen" BIGINT NOT NULL,
    "daysPastDue" INTEGER NOT NULL DEFAULT 0,
    "defaultedAt" TIMESTAMP(3),
    "disbursementTransferId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "loans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instalments" (
    "id" UUID NOT NULL,
    "loanId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "dueOn" DATE NOT NULL,
    "principalFen" BIGINT NOT NULL,
    "interestFen" BIGINT NOT NULL,
    "paidPrincipalFen" BIGINT NOT NULL DEFAULT 0,
    "paidInterestFen" BIGINT NOT NULL DEFAULT 0,
    "status" "InstalmentStatus" NOT NULL DEFAULT 'DUE',

    CONSTRAINT "instalments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "repayments" (
    "id" UUID NOT NULL,
    "loanId" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "principalFen" BIGINT NOT NULL,
    "interestFen" BIGINT NOT NULL,
    "receivedOn" DATE NOT NULL,
    "ledgerTransferId" TEXT NOT NULL,
    "recordedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "repayments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calendar_days" (
    "date" DATE NOT NULL,
    "isWorkday" BOOLEAN NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,

    CONSTRAINT "calendar_days_pkey" PRIMARY KEY ("date")
);

-- CreateTable
CREATE TABLE "funds" (
    "id" UUID NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "managedByInstitutionId" UUID NOT NULL,
    "validFrom" DATE NOT NULL,
    "validTo" DATE NOT NULL,
    "budgetFen" BIGINT NOT NULL,
    "status" "FundStatus" NOT NULL DEFAULT 'ACTIVE',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "funds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fund_rule_versions" (
    "id" UUID NOT NULL,
    "fundId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "compensationRatioBps" INTEGER NOT NULL,
    "capPerLoanFen" BIGINT NOT NULL,
    "capPerBankYearFen" BIGINT NOT NULL,
    "eligibleProductIds" TEXT[],
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fund_rule_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fund_contributions" (
    "id" UUID NOT NULL,
    "fundId" UUID NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "receivedOn" DATE NOT NULL,
    "reference" TEXT NOT NULL,
    "ledgerTransferId" TEXT NOT NULL,
    "recordedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fund_contributions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fund_bank_suspensions" (
    "id" UUID NOT NULL,
    "fundId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "suspendedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "suspendedById" UUID NOT NULL,
    "reinstatedAt" TIMESTAMP(3),
    "reinstatedById" UUID,

    CONSTRAINT "fund_bank_suspensions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "claims" (
    "id" UUID NOT NULL,
    "fundId" UUID NOT NULL,
    "loanId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "lossFen" BIGINT NOT NULL,
    "reservedFen" BIGINT NOT NULL,
    "approvedFen" BIGINT,
    "status" "ClaimStatus" NOT NULL DEFAULT 'RESERVED',
    "evidence" JSONB NOT NULL DEFAULT '[]',
    "recoveryActions" TEXT NOT NULL,
    "decisionReason" TEXT,
    "filedById" UUID NOT NULL,
    "decidedById" UUID,
    "filedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decideBy" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "reservationTransferId" TEXT NOT NULL,
    "settlementTransferId" TEXT,

    CONSTRAINT "claims_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "recoveries" (
    "id" UUID NOT NULL,
    "loanId" UUID NOT NULL,
    "claimId" UUID,
    "idempotencyKey" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "fundShareFen" BIGINT NOT NULL,
    "receivedOn" DATE NOT NULL,
    "ledgerTransferId" TEXT,
    "recordedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recoveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_account_refs" (
    "accountId" TEXT NOT NULL,
    "ledger" INTEGER NOT NULL,
    "code" INTEGER NOT NULL,
    "ownerType" TEXT NOT NULL,
    "ownerId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_account_refs_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "ledger_transfer_refs" (
    "transferId" TEXT NOT NULL,
    "ledger" INTEGER NOT NULL,
    "code" INTEGER NOT NULL,
    "businessType" TEXT NOT NULL,
    "businessId" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "state" "LedgerTransferState" NOT NULL DEFAULT 'PREPARED',
    "failure" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "committedAt" TIMESTAMP(3),

    CONSTRAINT "ledger_transfer_refs_pkey" PRIMARY KEY ("transferId")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "seq" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorUserId" UUID,
    "actorInstitutionId" UUID,
    "actorEnterpriseId" UUID,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "summary" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,
    "prevHash" CHAR(64) NOT NULL,
    "hash" CHAR(64) NOT NULL,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" BIGSERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregateId" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "userId" UUID,
    "enterpriseId" UUID,
    "institutionId" UUID,
    "kind" TEXT NOT NULL,
    "payload" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_statistics" (
    "key" TEXT NOT NULL,
    "value" BIGINT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "platform_statistics_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "institutions_code_key" ON "institutions"("code");

-- CreateIndex
CREATE INDEX "institutions_kind_status_idx" ON "institutions"("kind", "status");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE INDEX "memberships_institutionId_idx" ON "memberships"("institutionId");

-- CreateIndex
CREATE INDEX "memberships_enterpriseId_idx" ON "memberships"("enterpriseId");

-- CreateIndex
CREATE UNIQUE INDEX "memberships_userId_roleKey_institutionId_enterpriseId_key" ON "memberships"("userId", "roleKey", "institutionId", "enterpriseId");

-- CreateIndex
CREATE INDEX "sessions_userId_idx" ON "sessions"("userId");

-- CreateIndex
CREATE INDEX "sessions_expiresAt_idx" ON "sessions"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE INDEX "api_keys_institutionId_idx" ON "api_keys"("institutionId");

-- CreateIndex
CREATE UNIQUE INDEX "enterprises_uscc_key" ON "enterprises"("uscc");

-- CreateIndex
CREATE INDEX "enterprises_regionCode_industryCode_size_idx" ON "enterprises"("regionCode", "industryCode", "size");

-- CreateIndex
CREATE INDEX "credit_signal_batches_createdAt_idx" ON "credit_signal_batches"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "credit_signal_batches_kind_fileSha256_key" ON "credit_signal_batches"("kind", "fileSha256");

-- CreateIndex
CREATE INDEX "credit_signals_kind_asOf_idx" ON "credit_signals"("kind", "asOf");

-- CreateIndex
CREATE UNIQUE INDEX "credit_signals_enterpriseId_kind_naturalKey_key" ON "credit_signals"("enterpriseId", "kind", "naturalKey");

-- CreateIndex
CREATE INDEX "credit_objections_status_createdAt_idx" ON "credit_objections"("status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "model_versions_kind_version_key" ON "model_versions"("kind", "version");

-- CreateIndex
CREATE INDEX "credit_evaluations_enterpriseId_createdAt_idx" ON "credit_evaluations"("enterpriseId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "credit_evaluations_enterpriseId_modelVersion_inputSha256_key" ON "credit_evaluations"("enterpriseId", "modelVersion", "inputSha256");

-- CreateIndex
CREATE INDEX "authorisations_enterpriseId_institutionId_idx" ON "authorisations"("enterpriseId", "institutionId");

-- CreateIndex
CREATE INDEX "data_access_logs_enterpriseId_at_idx" ON "data_access_logs"("enterpriseId", "at");

-- CreateIndex
CREATE INDEX "data_access_logs_institutionId_at_idx" ON "data_access_logs"("institutionId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "products_code_key" ON "products"("code");

-- CreateIndex
CREATE INDEX "products_status_institutionId_idx" ON "products"("status", "institutionId");

-- CreateIndex
CREATE INDEX "product_events_productId_at_idx" ON "product_events"("productId", "at");

-- CreateIndex
CREATE INDEX "financing_needs_status_expiresOn_idx" ON "financing_needs"("status", "expiresOn");

-- CreateIndex
CREATE INDEX "financing_needs_enterpriseId_idx" ON "financing_needs"("enterpriseId");

-- CreateIndex
CREATE INDEX "matches_productId_eligible_score_idx" ON "matches"("productId", "eligible", "score");

-- CreateIndex
CREATE UNIQUE INDEX "matches_needId_productId_key" ON "matches"("needId", "productId");

-- CreateIndex
CREATE UNIQUE INDEX "need_claims_needId_institutionId_key" ON "need_claims"("needId", "institutionId");

-- CreateIndex
CREATE INDEX "applications_institutionId_status_respondBy_idx" ON "applications"("institutionId", "status", "respondBy");

-- CreateIndex
CREATE INDEX "applications_enterpriseId_submittedAt_idx" ON "applications"("enterpriseId", "submittedAt");

-- CreateIndex
CREATE UNIQUE INDEX "application_events_idempotencyKey_key" ON "application_events"("idempotencyKey");

-- CreateIndex
CREATE INDEX "application_events_applicationId_at_idx" ON "application_events"("applicationId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "loans_applicationId_key" ON "loans"("applicationId");

-- CreateIndex
CREATE UNIQUE INDEX "loans_disbursementTransferId_key" ON "loans"("disbursementTransferId");

-- CreateIndex
CREATE INDEX "loans_institutionId_status_idx" ON "loans"("institutionId", "status");

-- CreateIndex
CREATE INDEX "loans_disbursedOn_idx" ON "loans"("disbursedOn");

-- CreateIndex
CREATE INDEX "instalments_status_dueOn_idx" ON "instalments"("status", "dueOn");

-- CreateIndex
CREATE UNIQUE INDEX "instalments_loanId_seq_key" ON "instalments"("loanId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "repayments_idempotencyKey_key" ON "repayments"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "repayments_ledgerTransferId_key" ON "repayments"("ledgerTransferId");

-- CreateIndex
CREATE INDEX "repayments_loanId_receivedOn_idx" ON "repayments"("loanId", "receivedOn");

-- CreateIndex
CREATE UNIQUE INDEX "fund_rule_versions_fundId_version_key" ON "fund_rule_versions"("fundId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "fund_contributions_reference_key" ON "fund_contributions"("reference");

-- CreateIndex
CREATE UNIQUE INDEX "fund_contributions_ledgerTransferId_key" ON "fund_contributions"("ledgerTransferId");

-- CreateIndex
CREATE INDEX "fund_bank_suspensions_fundId_institutionId_idx" ON "fund_bank_suspensions"("fundId", "institutionId");

-- CreateIndex
CREATE UNIQUE INDEX "claims_reservationTransferId_key" ON "claims"("reservationTransferId");

-- CreateIndex
CREATE UNIQUE INDEX "claims_settlementTransferId_key" ON "claims"("settlementTransferId");

-- CreateIndex
CREATE INDEX "claims_status_decideBy_idx" ON "claims"("status", "decideBy");

-- CreateIndex
CREATE INDEX "claims_institutionId_filedAt_idx" ON "claims"("institutionId", "filedAt");

-- CreateIndex
CREATE UNIQUE INDEX "recoveries_idempotencyKey_key" ON "recoveries"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "recoveries_ledgerTransferId_key" ON "recoveries"("ledgerTransferId");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_account_refs_ownerType_ownerId_purpose_key" ON "ledger_account_refs"("ownerType", "ownerId", "purpose");

-- CreateIndex
CREATE INDEX "ledger_transfer_refs_businessType_businessId_idx" ON "ledger_transfer_refs"("businessType", "businessId");

-- CreateIndex
CREATE INDEX "ledger_transfer_refs_state_createdAt_idx" ON "ledger_transfer_refs"("state", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "audit_log_hash_key" ON "audit_log"("hash");

-- CreateIndex
CREATE INDEX "audit_log_entityType_entityId_idx" ON "audit_log"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "audit_log_actorUserId_at_idx" ON "audit_log"("actorUserId", "at");

-- CreateIndex
CREATE INDEX "outbox_events_processedAt_id_idx" ON "outbox_events"("processedAt", "id");

-- CreateIndex
CREATE INDEX "notifications_enterpriseId_createdAt_idx" ON "notifications"("enterpriseId", "createdAt");

-- CreateIndex
CREATE INDEX "notifications_institutionId_createdAt_idx" ON "notifications"("institutionId", "createdAt");

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_roleKey_fkey" FOREIGN KEY ("roleKey") REFERENCES "roles"("key") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_signal_batches" ADD CONSTRAINT "credit_signal_batches_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_signals" ADD CONSTRAINT "credit_signals_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_signals" ADD CONSTRAINT "credit_signals_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "credit_signal_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_objections" ADD CONSTRAINT "credit_objections_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_objections" ADD CONSTRAINT "credit_objections_signalId_fkey" FOREIGN KEY ("signalId") REFERENCES "credit_signals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_evaluations" ADD CONSTRAINT "credit_evaluations_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "authorisations" ADD CONSTRAINT "authorisations_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "authorisations" ADD CONSTRAINT "authorisations_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "data_access_logs" ADD CONSTRAINT "data_access_logs_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "data_access_logs" ADD CONSTRAINT "data_access_logs_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "data_access_logs" ADD CONSTRAINT "data_access_logs_authorisationId_fkey" FOREIGN KEY ("authorisationId") REFERENCES "authorisations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "products" ADD CONSTRAINT "products_fundId_fkey" FOREIGN KEY ("fundId") REFERENCES "funds"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "product_events" ADD CONSTRAINT "product_events_productId_fkey" FOREIGN KEY ("productId") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "financing_needs" ADD CONSTRAINT "financing_needs_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "matches" ADD CONSTRAINT "matches_needId_fkey" FOREIGN KEY ("needId") REFERENCES "financing_needs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "matches" ADD CONSTRAINT "matches_productId_fkey" FOREIGN KEY ("productId") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "need_claims" ADD CONSTRAINT "need_claims_needId_fkey" FOREIGN KEY ("needId") REFERENCES "financing_needs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "need_claims" ADD CONSTRAINT "need_claims_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_productId_fkey" FOREIGN KEY ("productId") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_needId_fkey" FOREIGN KEY ("needId") REFERENCES "financing_needs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_authorisationId_fkey" FOREIGN KEY ("authorisationId") REFERENCES "authorisations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "applications" ADD CONSTRAINT "applications_reroutedFromId_fkey" FOREIGN KEY ("reroutedFromId") REFERENCES "applications"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "application_events" ADD CONSTRAINT "application_events_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loans" ADD CONSTRAINT "loans_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "applications"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loans" ADD CONSTRAINT "loans_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loans" ADD CONSTRAINT "loans_enterpriseId_fkey" FOREIGN KEY ("enterpriseId") REFERENCES "enterprises"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loans" ADD CONSTRAINT "loans_productId_fkey" FOREIGN KEY ("productId") REFERENCES "products"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loans" ADD CONSTRAINT "loans_fundId_fkey" FOREIGN KEY ("fundId") REFERENCES "funds"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "loans" ADD CONSTRAINT "loans_fundRuleVersionId_fkey" FOREIGN KEY ("fundRuleVersionId") REFERENCES "fund_rule_versions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instalments" ADD CONSTRAINT "instalments_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "loans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "repayments" ADD CONSTRAINT "repayments_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "loans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "funds" ADD CONSTRAINT "funds_managedByInstitutionId_fkey" FOREIGN KEY ("managedByInstitutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fund_rule_versions" ADD CONSTRAINT "fund_rule_versions_fundId_fkey" FOREIGN KEY ("fundId") REFERENCES "funds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fund_contributions" ADD CONSTRAINT "fund_contributions_fundId_fkey" FOREIGN KEY ("fundId") REFERENCES "funds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fund_bank_suspensions" ADD CONSTRAINT "fund_bank_suspensions_fundId_fkey" FOREIGN KEY ("fundId") REFERENCES "funds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fund_bank_suspensions" ADD CONSTRAINT "fund_bank_suspensions_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claims" ADD CONSTRAINT "claims_fundId_fkey" FOREIGN KEY ("fundId") REFERENCES "funds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claims" ADD CONSTRAINT "claims_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "loans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "claims" ADD CONSTRAINT "claims_institutionId_fkey" FOREIGN KEY ("institutionId") REFERENCES "institutions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_loanId_fkey" FOREIGN KEY ("loanId") REFERENCES "loans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recoveries" ADD CONSTRAINT "recoveries_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "claims"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- ─── Hand-written: what schema.prisma cannot express ───────────────────────

-- The audit log is append-only: the database itself refuses UPDATE, DELETE and TRUNCATE.
-- The migration runner splits scripts at every semicolon, even inside quotes, so
-- the function body writes its semicolons as \x3B in an escape string.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''audit_log is append-only: % refused'', TG_OP USING ERRCODE = ''insufficient_privilege''\x3B END\x3B';

CREATE TRIGGER audit_log_no_update_delete
  BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- A membership belongs to exactly one institution or one enterprise.
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_one_home"
  CHECK (("institutionId" IS NULL) <> ("enterpriseId" IS NULL));
