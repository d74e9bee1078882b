-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "retainedAt" TIMESTAMP(3),
ADD COLUMN     "retainedBytes" BIGINT,
ADD COLUMN     "retainedNote" TEXT,
ADD COLUMN     "retainedSafeBytes" BIGINT,
ADD COLUMN     "retainedWalStatus" TEXT;

