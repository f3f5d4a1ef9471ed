-- AlterTable
ALTER TABLE "products" ADD COLUMN     "externalRef" TEXT;

-- AlterTable
ALTER TABLE "applications" ADD COLUMN     "approvedAt" TIMESTAMP(3),
ADD COLUMN     "declineNote" TEXT,
ADD COLUMN     "submitKey" TEXT;

-- AlterTable
ALTER TABLE "loans" ADD COLUMN     "bankReference" TEXT,
ADD COLUMN     "delinquencyOn" DATE,
ADD COLUMN     "disbursedById" UUID,
ADD COLUMN     "repaidAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "repayments" ADD COLUMN     "allocation" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "bankReference" TEXT,
ADD COLUMN     "interestTransferId" TEXT;

-- AlterTable
ALTER TABLE "ledger_account_refs" ADD COLUMN     "failure" TEXT,
ADD COLUMN     "flags" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "state" "LedgerTransferState" NOT NULL DEFAULT 'PREPARED';

-- CreateTable
CREATE TABLE "api_idempotency_records" (
    "apiKeyId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "requestHash" CHAR(64) NOT NULL,
    "status" INTEGER,
    "response" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),

    CONSTRAINT "api_idempotency_records_pkey" PRIMARY KEY ("apiKeyId","key")
);

-- CreateIndex
CREATE INDEX "api_idempotency_records_createdAt_idx" ON "api_idempotency_records"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "products_institutionId_externalRef_key" ON "products"("institutionId", "externalRef");

-- CreateIndex
CREATE UNIQUE INDEX "applications_submitKey_key" ON "applications"("submitKey");

-- CreateIndex
CREATE INDEX "applications_status_respondBy_idx" ON "applications"("status", "respondBy");

-- CreateIndex
CREATE INDEX "applications_status_offerExpiresAt_idx" ON "applications"("status", "offerExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "repayments_interestTransferId_key" ON "repayments"("interestTransferId");

-- CreateIndex
CREATE INDEX "ledger_account_refs_state_idx" ON "ledger_account_refs"("state");


-- Hand-written: what Prisma cannot express.
-- One live application per enterprise and product, whatever races the form or the API.
CREATE UNIQUE INDEX "applications_one_live_per_product" ON "applications"("enterpriseId", "productId")
  WHERE status IN ('SUBMITTED', 'ACCEPTED', 'APPROVED', 'OFFER_ACCEPTED');

-- Money never goes negative and an instalment is never paid beyond what it asks.
ALTER TABLE "instalments" ADD CONSTRAINT "instalments_amounts_check"
  CHECK ("principalFen" >= 0 AND "interestFen" >= 0 AND "paidPrincipalFen" >= 0 AND "paidInterestFen" >= 0
         AND "paidPrincipalFen" <= "principalFen" AND "paidInterestFen" <= "interestFen");
ALTER TABLE "loans" ADD CONSTRAINT "loans_amounts_check"
  CHECK ("principalFen" > 0 AND "outstandingPrincipalFen" >= 0 AND "outstandingPrincipalFen" <= "principalFen" AND "daysPastDue" >= 0);
ALTER TABLE "repayments" ADD CONSTRAINT "repayments_amounts_check"
  CHECK ("amountFen" > 0 AND "principalFen" >= 0 AND "interestFen" >= 0 AND "principalFen" + "interestFen" = "amountFen");
