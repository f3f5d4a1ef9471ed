-- CreateTable
CREATE TABLE "search_documents" (
    "indexName" TEXT NOT NULL,
    "id" TEXT NOT NULL,
    "document" JSONB NOT NULL,
    "searchText" tsvector,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "search_documents_pkey" PRIMARY KEY ("indexName","id")
);


-- Hand-written: full-text lookups on the weighted lexemes, and keyword filters on the document.
CREATE INDEX "search_documents_searchText_idx" ON "search_documents" USING GIN ("searchText");
CREATE INDEX "search_documents_document_idx" ON "search_documents" USING GIN ("document" jsonb_path_ops);
