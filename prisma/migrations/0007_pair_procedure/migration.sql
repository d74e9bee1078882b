-- CreateTable
CREATE TABLE "PairProcedure" (
    "id" SERIAL NOT NULL,
    "forwardId" TEXT NOT NULL,
    "reverseId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "steps" JSONB NOT NULL DEFAULT '[]',
    "context" JSONB NOT NULL DEFAULT '{}',
    "failedStep" TEXT,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PairProcedure_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PairProcedure_forwardId_id_idx" ON "PairProcedure"("forwardId", "id");

-- AddForeignKey
ALTER TABLE "PairProcedure" ADD CONSTRAINT "PairProcedure_forwardId_fkey" FOREIGN KEY ("forwardId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- At most one procedure of a pair runs or waits to be continued (not in the Prisma schema: a
-- partial index; the migration diff compares schemas, so it leaves this index alone)
CREATE UNIQUE INDEX "PairProcedure_forwardId_open_key" ON "PairProcedure"("forwardId") WHERE "state" IN ('Running', 'Stopped');
