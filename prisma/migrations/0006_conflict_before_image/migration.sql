-- AlterTable
ALTER TABLE "Conflict" ADD COLUMN     "beforeImage" JSONB;

