-- DropIndex
DROP INDEX "ledger_transfer_refs_state_createdAt_idx";

-- AlterTable
ALTER TABLE "ledger_transfer_refs" ADD COLUMN     "payload" JSONB NOT NULL,
ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateTable
CREATE TABLE "ledger_accounts" (
    "id" UUID NOT NULL,
    "debits_pending" DECIMAL(39,0) NOT NULL,
    "debits_posted" DECIMAL(39,0) NOT NULL,
    "credits_pending" DECIMAL(39,0) NOT NULL,
    "credits_posted" DECIMAL(39,0) NOT NULL,
    "user_data_128" UUID NOT NULL,
    "user_data_64" DECIMAL(20,0) NOT NULL,
    "user_data_32" BIGINT NOT NULL,
    "ledger" BIGINT NOT NULL,
    "code" INTEGER NOT NULL,
    "flags" INTEGER NOT NULL,
    "timestamp" BIGINT NOT NULL,

    CONSTRAINT "ledger_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_transfers" (
    "id" UUID NOT NULL,
    "debit_account_id" UUID NOT NULL,
    "credit_account_id" UUID NOT NULL,
    "amount" DECIMAL(39,0) NOT NULL,
    "pending_id" UUID,
    "user_data_128" UUID NOT NULL,
    "user_data_64" DECIMAL(20,0) NOT NULL,
    "user_data_32" BIGINT NOT NULL,
    "ledger" BIGINT NOT NULL,
    "code" INTEGER NOT NULL,
    "flags" INTEGER NOT NULL,
    "timestamp" BIGINT NOT NULL,

    CONSTRAINT "ledger_transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_account_balances" (
    "account_id" UUID NOT NULL,
    "timestamp" BIGINT NOT NULL,
    "debits_pending" DECIMAL(39,0) NOT NULL,
    "debits_posted" DECIMAL(39,0) NOT NULL,
    "credits_pending" DECIMAL(39,0) NOT NULL,
    "credits_posted" DECIMAL(39,0) NOT NULL,

    CONSTRAINT "ledger_account_balances_pkey" PRIMARY KEY ("account_id","timestamp")
);

-- CreateIndex
CREATE UNIQUE INDEX "ledger_accounts_timestamp_key" ON "ledger_accounts"("timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transfers_pending_id_key" ON "ledger_transfers"("pending_id");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transfers_timestamp_key" ON "ledger_transfers"("timestamp");

-- CreateIndex
CREATE INDEX "ledger_transfers_debit_account_id_timestamp_idx" ON "ledger_transfers"("debit_account_id", "timestamp");

-- CreateIndex
CREATE INDEX "ledger_transfers_credit_account_id_timestamp_idx" ON "ledger_transfers"("credit_account_id", "timestamp");

-- CreateIndex
CREATE INDEX "ledger_transfers_user_data_128_idx" ON "ledger_transfers"("user_data_128");

-- CreateIndex
CREATE INDEX "ledger_transfer_refs_state_seq_idx" ON "ledger_transfer_refs"("state", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_transfer_refs_seq_key" ON "ledger_transfer_refs"("seq");


-- Hand-written: schema.prisma cannot express these (ADR 0014).
-- Balance-limit flags, enforced by the database itself: an account flagged
-- debits_must_not_exceed_credits (2) never has more debits, pending and posted,
-- than posted credits, and credits_must_not_exceed_debits (4) the other way round.
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_debits_within_credits"
  CHECK ((flags & 2) = 0 OR debits_pending + debits_posted <= credits_posted);
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_credits_within_debits"
  CHECK ((flags & 4) = 0 OR credits_pending + credits_posted <= debits_posted);
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_balances_not_negative"
  CHECK (debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0);
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_amount_not_negative" CHECK (amount >= 0);

-- Transfers and balance history are append-only, and an account changes only in its balances.
CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''% is append-only: % refused'', TG_TABLE_NAME, TG_OP USING ERRCODE = ''insufficient_privilege''\x3B END\x3B';

CREATE TRIGGER ledger_transfers_no_update_delete
  BEFORE UPDATE OR DELETE ON "ledger_transfers"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_transfers_no_truncate
  BEFORE TRUNCATE ON "ledger_transfers"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_account_balances_no_update_delete
  BEFORE UPDATE OR DELETE ON "ledger_account_balances"
  FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change();

CREATE TRIGGER ledger_account_balances_no_truncate
  BEFORE TRUNCATE ON "ledger_account_balances"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();

CREATE FUNCTION ledger_accounts_balances_only() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN IF TG_OP <> ''UPDATE'' OR NEW.id <> OLD.id OR NEW.user_data_128 <> OLD.user_data_128 OR NEW.user_data_64 <> OLD.user_data_64 OR NEW.user_data_32 <> OLD.user_data_32 OR NEW.ledger <> OLD.ledger OR NEW.code <> OLD.code OR NEW.flags <> OLD.flags OR NEW.timestamp <> OLD.timestamp THEN RAISE EXCEPTION ''ledger_accounts: only balances change (% refused)'', TG_OP USING ERRCODE = ''insufficient_privilege''\x3B END IF\x3B RETURN NEW\x3B END\x3B';

CREATE TRIGGER ledger_accounts_balances_only
  BEFORE UPDATE OR DELETE ON "ledger_accounts"
  FOR EACH ROW EXECUTE FUNCTION ledger_accounts_balances_only();

CREATE TRIGGER ledger_accounts_no_truncate
  BEFORE TRUNCATE ON "ledger_accounts"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change();
