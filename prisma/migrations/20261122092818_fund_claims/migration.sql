-- AlterEnum: a claim's reservation in flight, and one the ledger refused.
-- On its own, before anything uses the new values (a new enum value cannot be used in the transaction that adds it).
ALTER TYPE "ClaimStatus" ADD VALUE 'RESERVING' BEFORE 'RESERVED';
ALTER TYPE "ClaimStatus" ADD VALUE 'REFUSED';
