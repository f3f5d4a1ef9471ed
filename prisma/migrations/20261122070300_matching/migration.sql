-- Rankings are derived data, rebuilt by the matching worker: nothing to keep (the table was never written before).
DELETE FROM "matches";

-- DropForeignKey
ALTER TABLE "matches" DROP CONSTRAINT "matches_needId_fkey";

-- DropForeignKey
ALTER TABLE "matches" DROP CONSTRAINT "matches_productId_fkey";

-- DropIndex
DROP INDEX "matches_productId_eligible_score_idx";

-- DropIndex
DROP INDEX "matches_needId_productId_key";

-- AlterTable
ALTER TABLE "matches" DROP CONSTRAINT "matches_pkey",
DROP COLUMN "computedAt",
DROP COLUMN "eligible",
DROP COLUMN "failedRules",
DROP COLUMN "id",
DROP COLUMN "modelVersion",
DROP COLUMN "reasons",
ADD COLUMN     "approvalPoints" INTEGER NOT NULL,
ADD COLUMN     "bankBest" BOOLEAN NOT NULL,
ADD COLUMN     "costPoints" INTEGER NOT NULL,
ADD COLUMN     "coveragePoints" INTEGER NOT NULL,
ADD COLUMN     "expectedRateBps" INTEGER NOT NULL,
ADD COLUMN     "institutionId" UUID NOT NULL,
ADD COLUMN     "responsePoints" INTEGER NOT NULL,
ALTER COLUMN "rank" SET NOT NULL,
ADD CONSTRAINT "matches_pkey" PRIMARY KEY ("needId", "productId");

-- CreateTable
CREATE TABLE "need_rankings" (
    "needId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "rankedAt" TIMESTAMP(3) NOT NULL,
    "eligibleCount" INTEGER NOT NULL,

    CONSTRAINT "need_rankings_pkey" PRIMARY KEY ("needId")
);

-- CreateTable
CREATE TABLE "bank_response_records" (
    "institutionId" UUID NOT NULL,
    "decided" INTEGER NOT NULL,
    "onTime" INTEGER NOT NULL,
    "medianResponseMinutes" INTEGER,
    "windowDays" INTEGER NOT NULL,
    "computedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "bank_response_records_pkey" PRIMARY KEY ("institutionId")
);

-- CreateIndex
CREATE INDEX "products_updatedAt_idx" ON "products"("updatedAt");

-- CreateIndex
CREATE INDEX "matches_institutionId_bankBest_score_idx" ON "matches"("institutionId", "bankBest", "score" DESC);

