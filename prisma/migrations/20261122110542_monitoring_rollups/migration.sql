-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "acceptedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "need_match_history" (
    "needId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "institutionId" UUID NOT NULL,
    "firstMatchedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "need_match_history_pkey" PRIMARY KEY ("needId","productId")
);

-- CreateTable
CREATE TABLE "monitoring_need_facts" (
    "id" BIGSERIAL NOT NULL,
    "grain" SMALLINT NOT NULL,
    "month" DATE NOT NULL,
    "regionCode" CHAR(6),
    "industryCode" TEXT,
    "size" "EnterpriseSize",
    "institutionId" UUID,
    "productId" UUID,
    "posted" INTEGER NOT NULL,
    "postedFen" BIGINT NOT NULL,
    "matched" INTEGER NOT NULL,

    CONSTRAINT "monitoring_need_facts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitoring_application_facts" (
    "id" BIGSERIAL NOT NULL,
    "grain" SMALLINT NOT NULL,
    "month" DATE NOT NULL,
    "regionCode" CHAR(6),
    "industryCode" TEXT,
    "size" "EnterpriseSize",
    "institutionId" UUID,
    "productId" UUID,
    "applied" INTEGER NOT NULL,
    "appliedFen" BIGINT NOT NULL,
    "accepted" INTEGER NOT NULL,
    "approved" INTEGER NOT NULL,
    "approvedFen" BIGINT NOT NULL,
    "disbursed" INTEGER NOT NULL,
    "disbursedFen" BIGINT NOT NULL,
    "declined" INTEGER NOT NULL,
    "withdrawn" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "answeredOnTime" INTEGER NOT NULL,
    "responseMinutes" BIGINT NOT NULL,
    "overdue" INTEGER NOT NULL,
    "overdueOpen" INTEGER NOT NULL,

    CONSTRAINT "monitoring_application_facts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitoring_loan_facts" (
    "id" BIGSERIAL NOT NULL,
    "grain" SMALLINT NOT NULL,
    "month" DATE NOT NULL,
    "regionCode" CHAR(6),
    "industryCode" TEXT,
    "size" "EnterpriseSize",
    "institutionId" UUID,
    "productId" UUID,
    "loans" INTEGER NOT NULL,
    "principalFen" BIGINT NOT NULL,
    "rateBpsSum" BIGINT NOT NULL,
    "rateWeighted" DECIMAL(38,0) NOT NULL,
    "rateBand0" INTEGER NOT NULL,
    "rateBand1" INTEGER NOT NULL,
    "rateBand2" INTEGER NOT NULL,
    "rateBand3" INTEGER NOT NULL,
    "rateBand4" INTEGER NOT NULL,
    "rateBand5" INTEGER NOT NULL,
    "rateBand6" INTEGER NOT NULL,
    "pureCredit" INTEGER NOT NULL,
    "pureCreditFen" BIGINT NOT NULL,
    "firstTime" INTEGER NOT NULL,
    "firstTimeFen" BIGINT NOT NULL,
    "outstanding" INTEGER NOT NULL,
    "outstandingFen" BIGINT NOT NULL,
    "pastDue" INTEGER NOT NULL,
    "pastDueFen" BIGINT NOT NULL,
    "defaulted" INTEGER NOT NULL,
    "defaultedFen" BIGINT NOT NULL,
    "repaid" INTEGER NOT NULL,

    CONSTRAINT "monitoring_loan_facts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitoring_claim_facts" (
    "id" BIGSERIAL NOT NULL,
    "grain" SMALLINT NOT NULL,
    "month" DATE NOT NULL,
    "regionCode" CHAR(6),
    "industryCode" TEXT,
    "size" "EnterpriseSize",
    "institutionId" UUID,
    "productId" UUID,
    "claims" INTEGER NOT NULL,
    "lossFen" BIGINT NOT NULL,
    "reservedFen" BIGINT NOT NULL,
    "paidFen" BIGINT NOT NULL,
    "recoveredFen" BIGINT NOT NULL,
    "refused" INTEGER NOT NULL,

    CONSTRAINT "monitoring_claim_facts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitoring_fund_snapshots" (
    "fundId" UUID NOT NULL,
    "balanceFen" BIGINT NOT NULL,
    "reservedFen" BIGINT NOT NULL,
    "contributedFen" BIGINT NOT NULL,
    "paidFen" BIGINT NOT NULL,
    "recoveredFen" BIGINT NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "monitoring_fund_snapshots_pkey" PRIMARY KEY ("fundId")
);

-- CreateTable
CREATE TABLE "monitoring_refresh_state" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "watermark" TIMESTAMP(3) NOT NULL,
    "refreshedAt" TIMESTAMP(3) NOT NULL,
    "lastFullAt" TIMESTAMP(3) NOT NULL,
    "mode" TEXT NOT NULL,
    "months" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,

    CONSTRAINT "monitoring_refresh_state_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "need_match_history_firstMatchedAt_idx" ON "need_match_history"("firstMatchedAt");

-- CreateIndex
CREATE INDEX "monitoring_need_facts_grain_month_idx" ON "monitoring_need_facts"("grain", "month");

-- CreateIndex
CREATE INDEX "monitoring_need_facts_grain_institutionId_month_idx" ON "monitoring_need_facts"("grain", "institutionId", "month");

-- CreateIndex
CREATE INDEX "monitoring_need_facts_grain_productId_month_idx" ON "monitoring_need_facts"("grain", "productId", "month");

-- CreateIndex
CREATE INDEX "monitoring_application_facts_grain_month_idx" ON "monitoring_application_facts"("grain", "month");

-- CreateIndex
CREATE INDEX "monitoring_application_facts_grain_institutionId_month_idx" ON "monitoring_application_facts"("grain", "institutionId", "month");

-- CreateIndex
CREATE INDEX "monitoring_application_facts_grain_productId_month_idx" ON "monitoring_application_facts"("grain", "productId", "month");

-- CreateIndex
CREATE INDEX "monitoring_loan_facts_grain_month_idx" ON "monitoring_loan_facts"("grain", "month");

-- CreateIndex
CREATE INDEX "monitoring_loan_facts_grain_institutionId_month_idx" ON "monitoring_loan_facts"("grain", "institutionId", "month");

-- CreateIndex
CREATE INDEX "monitoring_loan_facts_grain_productId_month_idx" ON "monitoring_loan_facts"("grain", "productId", "month");

-- CreateIndex
CREATE INDEX "monitoring_claim_facts_grain_month_idx" ON "monitoring_claim_facts"("grain", "month");

-- CreateIndex
CREATE INDEX "monitoring_claim_facts_grain_institutionId_month_idx" ON "monitoring_claim_facts"("grain", "institutionId", "month");

-- CreateIndex
CREATE INDEX "monitoring_claim_facts_grain_productId_month_idx" ON "monitoring_claim_facts"("grain", "productId", "month");

-- CreateIndex
CREATE INDEX "enterprises_updatedAt_idx" ON "enterprises"("updatedAt");

-- CreateIndex
CREATE INDEX "financing_needs_updatedAt_idx" ON "financing_needs"("updatedAt");

-- CreateIndex
CREATE INDEX "applications_updatedAt_idx" ON "applications"("updatedAt");

-- CreateIndex
CREATE INDEX "loans_updatedAt_idx" ON "loans"("updatedAt");



-- Applications accepted before acceptedAt existed: the time of their acceptance event
UPDATE "applications" AS a SET "acceptedAt" = e."at"
  FROM "application_events" AS e
 WHERE e."applicationId" = a."id" AND e."toStatus" = 'ACCEPTED' AND a."acceptedAt" IS NULL;

-- The match history starts from the rankings kept now
INSERT INTO "need_match_history" ("needId", "productId", "institutionId", "firstMatchedAt")
SELECT m."needId", m."productId", m."institutionId", r."rankedAt"
  FROM "matches" AS m JOIN "need_rankings" AS r ON r."needId" = m."needId"
ON CONFLICT DO NOTHING;

-- One state row at most
ALTER TABLE "monitoring_refresh_state" ADD CONSTRAINT "monitoring_refresh_state_one_row" CHECK ("id" = 1);
