-- CreateEnum
CREATE TYPE "Direction" AS ENUM ('Forward', 'Reverse');

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "direction" "Direction" NOT NULL DEFAULT 'Forward',
ADD COLUMN     "replayUntil" TEXT;

-- CreateTable
CREATE TABLE "Conflict" (
    "id" SERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "tableName" TEXT NOT NULL,
    "keyText" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "op" TEXT NOT NULL,
    "policy" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "sourceImage" JSONB,
    "targetImage" JSONB,
    "position" TEXT NOT NULL,
    "sourceTime" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Conflict_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Conflict_taskId_createdAt_idx" ON "Conflict"("taskId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Conflict_taskId_position_tableName_keyText_kind_key" ON "Conflict"("taskId", "position", "tableName", "keyText", "kind");

-- AddForeignKey
ALTER TABLE "Conflict" ADD CONSTRAINT "Conflict_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

