-- AlterTable
ALTER TABLE "search_documents" ADD COLUMN     "keywords" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "numbers" BIGINT[] DEFAULT ARRAY[]::BIGINT[];

-- CreateIndex
CREATE INDEX "search_documents_keywords_idx" ON "search_documents" USING GIN ("keywords");


-- The search index is derived data: documents written before these columns
-- existed have no keywords or numbers, so they are dropped here and the
-- worker's start-up rebuild (or `npm run search:rebuild`) writes them again.
DELETE FROM "search_documents";
