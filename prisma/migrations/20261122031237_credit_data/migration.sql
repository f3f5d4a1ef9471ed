-- CreateEnum
CREATE TYPE "ImportFormat" AS ENUM ('CSV', 'JSON');

-- CreateEnum
CREATE TYPE "ObjectionRemedy" AS ENUM ('CORRECTED', 'WITHDRAWN', 'REPAIRED');

-- AlterEnum
BEGIN;
CREATE TYPE "ImportBatchStatus_new" AS ENUM ('QUEUED', 'VALIDATING', 'APPLYING', 'APPLIED', 'REJECTED', 'FAILED');
ALTER TABLE "credit_signal_batches" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "credit_signal_batches" ALTER COLUMN "status" TYPE "ImportBatchStatus_new" USING ("status"::text::"ImportBatchStatus_new");
ALTER TYPE "ImportBatchStatus" RENAME TO "ImportBatchStatus_old";
ALTER TYPE "ImportBatchStatus_new" RENAME TO "ImportBatchStatus";
DROP TYPE "ImportBatchStatus_old";
ALTER TABLE "credit_signal_batches" ALTER COLUMN "status" SET DEFAULT 'QUEUED';
COMMIT;

-- DropForeignKey
ALTER TABLE "data_access_logs" DROP CONSTRAINT "data_access_logs_authorisationId_fkey";

-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "permissions" TEXT[];

-- AlterTable
ALTER TABLE "enterprises" ADD COLUMN     "currentEvaluationId" UUID;

-- AlterTable
ALTER TABLE "credit_signal_batches" DROP COLUMN "errors",
ADD COLUMN     "bytesDone" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "enterprisesAffected" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "failureReason" TEXT,
ADD COLUMN     "format" "ImportFormat" NOT NULL,
ADD COLUMN     "sizeBytes" INTEGER NOT NULL,
ADD COLUMN     "startedAt" TIMESTAMP(3),
ALTER COLUMN "rowsTotal" DROP NOT NULL,
ALTER COLUMN "rowsTotal" DROP DEFAULT;

-- AlterTable
ALTER TABLE "credit_signals" ADD COLUMN     "correctedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "credit_objections" ADD COLUMN     "attachment" BYTEA,
ADD COLUMN     "attachmentName" TEXT,
ADD COLUMN     "attachmentType" TEXT,
ADD COLUMN     "commitment" TEXT,
ADD COLUMN     "correction" JSONB,
ADD COLUMN     "dueOn" DATE NOT NULL,
ADD COLUMN     "remedy" "ObjectionRemedy";

-- AlterTable
ALTER TABLE "credit_evaluations" DROP COLUMN "exclusionReason",
ADD COLUMN     "evaluatedOn" DATE NOT NULL,
ADD COLUMN     "exclusions" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "incentives" TEXT[],
ADD COLUMN     "trigger" TEXT NOT NULL;

-- AlterTable
ALTER TABLE "authorisations" ADD COLUMN     "note" TEXT;

-- AlterTable
ALTER TABLE "data_access_logs" ALTER COLUMN "authorisationId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "credit_signal_batch_files" (
    "batchId" UUID NOT NULL,
    "content" BYTEA NOT NULL,

    CONSTRAINT "credit_signal_batch_files_pkey" PRIMARY KEY ("batchId")
);

-- CreateTable
CREATE TABLE "credit_signal_batch_errors" (
    "id" BIGSERIAL NOT NULL,
    "batchId" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "column" TEXT,
    "code" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "credit_signal_batch_errors_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "credit_signal_batch_errors_batchId_line_idx" ON "credit_signal_batch_errors"("batchId", "line");

-- CreateIndex
CREATE UNIQUE INDEX "enterprises_currentEvaluationId_key" ON "enterprises"("currentEvaluationId");

-- CreateIndex
CREATE INDEX "credit_signals_batchId_idx" ON "credit_signals"("batchId");

-- AddForeignKey
ALTER TABLE "enterprises" ADD CONSTRAINT "enterprises_currentEvaluationId_fkey" FOREIGN KEY ("currentEvaluationId") REFERENCES "credit_evaluations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_signal_batch_files" ADD CONSTRAINT "credit_signal_batch_files_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "credit_signal_batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "credit_signal_batch_errors" ADD CONSTRAINT "credit_signal_batch_errors_batchId_fkey" FOREIGN KEY ("batchId") REFERENCES "credit_signal_batches"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "data_access_logs" ADD CONSTRAINT "data_access_logs_authorisationId_fkey" FOREIGN KEY ("authorisationId") REFERENCES "authorisations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

