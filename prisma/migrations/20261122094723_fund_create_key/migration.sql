-- AlterTable
ALTER TABLE "funds" ADD COLUMN     "createKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "funds_createKey_key" ON "funds"("createKey");

