-- CreateTable
CREATE TABLE "search_index_versions" (
    "indexName" TEXT NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "search_index_versions_pkey" PRIMARY KEY ("indexName")
);

