-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UserRole" AS ENUM ('admin', 'operator');

-- CreateEnum
CREATE TYPE "Engine" AS ENUM ('postgres', 'mysql', 'mongodb', 'sqlserver');

-- CreateEnum
CREATE TYPE "Topology" AS ENUM ('OneWay', 'TwoWay', 'Reverse');

-- CreateEnum
CREATE TYPE "DesiredState" AS ENUM ('Stopped', 'Running', 'Paused', 'Ended', 'Released');

-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "UserRole" NOT NULL DEFAULT 'operator',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "userId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMP(3),

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Endpoint" (
    "id" SERIAL NOT NULL,
    "engine" "Engine" NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "database" TEXT NOT NULL,
    "user" TEXT NOT NULL,
    "passwordEnc" TEXT NOT NULL,
    "options" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Endpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Task" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "sourceId" INTEGER NOT NULL,
    "destId" INTEGER NOT NULL,
    "syncSchema" BOOLEAN NOT NULL DEFAULT true,
    "syncFull" BOOLEAN NOT NULL DEFAULT true,
    "syncIncremental" BOOLEAN NOT NULL DEFAULT true,
    "topology" "Topology" NOT NULL DEFAULT 'OneWay',
    "peerTaskId" TEXT,
    "objects" JSONB NOT NULL,
    "settings" JSONB NOT NULL,
    "desiredState" "DesiredState" NOT NULL DEFAULT 'Stopped',
    "status" TEXT NOT NULL DEFAULT 'Not Started',
    "statusReason" TEXT,
    "stage" TEXT NOT NULL DEFAULT 'schema',
    "checkpoint" TEXT,
    "retryingSince" TIMESTAMP(3),
    "retryKind" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TableProgress" (
    "id" SERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "sourceSchema" TEXT NOT NULL,
    "sourceTable" TEXT NOT NULL,
    "targetSchema" TEXT NOT NULL,
    "targetTable" TEXT NOT NULL,
    "phase" TEXT NOT NULL DEFAULT 'pending',
    "loadMode" TEXT,
    "rowsDone" BIGINT NOT NULL DEFAULT 0,
    "rowsEstimated" BIGINT NOT NULL DEFAULT 0,
    "bytesDone" BIGINT NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "TableProgress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrecheckRun" (
    "id" SERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'running',
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "PrecheckRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PrecheckItem" (
    "id" SERIAL NOT NULL,
    "runId" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "result" TEXT NOT NULL,
    "cause" TEXT,
    "fix" TEXT,
    "ignored" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PrecheckItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TaskEvent" (
    "id" BIGSERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "level" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MetricSample" (
    "id" BIGSERIAL NOT NULL,
    "taskId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "latencyMs" INTEGER,
    "rps" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "bps" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "rowsApplied" BIGINT NOT NULL DEFAULT 0,
    "bytesApplied" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "MetricSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "Task_peerTaskId_key" ON "Task"("peerTaskId");

-- CreateIndex
CREATE INDEX "Task_desiredState_idx" ON "Task"("desiredState");

-- CreateIndex
CREATE UNIQUE INDEX "TableProgress_taskId_sourceSchema_sourceTable_key" ON "TableProgress"("taskId", "sourceSchema", "sourceTable");

-- CreateIndex
CREATE UNIQUE INDEX "PrecheckItem_runId_key_key" ON "PrecheckItem"("runId", "key");

-- CreateIndex
CREATE INDEX "TaskEvent_taskId_id_idx" ON "TaskEvent"("taskId", "id");

-- CreateIndex
CREATE INDEX "MetricSample_taskId_at_idx" ON "MetricSample"("taskId", "at");

-- CreateIndex
CREATE INDEX "MetricSample_at_idx" ON "MetricSample"("at");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "Endpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_destId_fkey" FOREIGN KEY ("destId") REFERENCES "Endpoint"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_peerTaskId_fkey" FOREIGN KEY ("peerTaskId") REFERENCES "Task"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TableProgress" ADD CONSTRAINT "TableProgress_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrecheckRun" ADD CONSTRAINT "PrecheckRun_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PrecheckItem" ADD CONSTRAINT "PrecheckItem_runId_fkey" FOREIGN KEY ("runId") REFERENCES "PrecheckRun"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TaskEvent" ADD CONSTRAINT "TaskEvent_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MetricSample" ADD CONSTRAINT "MetricSample_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE CASCADE ON UPDATE CASCADE;

