-- AlterTable
ALTER TABLE "claims" ADD COLUMN     "refusal" TEXT,
ADD COLUMN     "year" INTEGER NOT NULL,
ALTER COLUMN "status" SET DEFAULT 'RESERVING';

-- Hand-written: one open claim per loan, whatever races the form or the API.
CREATE UNIQUE INDEX "claims_one_open_per_loan" ON "claims"("loanId") WHERE status IN ('RESERVING', 'RESERVED');
