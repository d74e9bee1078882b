-- AlterEnum
ALTER TYPE "UserRole" ADD VALUE 'viewer';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "disabledAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "expiresAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "LoginThrottle" (
    "key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "lastFailureAt" TIMESTAMP(3) NOT NULL,
    "lockedUntil" TIMESTAMP(3),

    CONSTRAINT "LoginThrottle_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userId" INTEGER,
    "username" TEXT NOT NULL,
    "tokenName" TEXT,
    "via" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "taskId" TEXT,
    "target" TEXT,
    "outcome" TEXT NOT NULL,
    "message" TEXT,
    "clientAddress" TEXT,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEntry_at_idx" ON "AuditEntry"("at");

-- CreateIndex
CREATE INDEX "AuditEntry_taskId_id_idx" ON "AuditEntry"("taskId", "id");

-- CreateIndex
CREATE INDEX "AuditEntry_username_id_idx" ON "AuditEntry"("username", "id");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");


-- User names are normalised (trimmed, lower case; the API also applies NFKC) from now on. A name that
-- would then collide with an older user's gets its id as a suffix. Renamed through a temporary
-- name first, as a unique index is checked row by row.
CREATE TEMPORARY TABLE "_dts_usernames" ON COMMIT DROP AS
  SELECT "id", CASE WHEN "rank" > 1 THEN "name" || '-' || "id" ELSE "name" END AS "name"
    FROM (SELECT "id", lower(btrim("username")) AS "name",
                 row_number() OVER (PARTITION BY lower(btrim("username")) ORDER BY "id") AS "rank"
            FROM "User") n;
DELETE FROM "_dts_usernames" n USING "User" u WHERE u."id" = n."id" AND u."username" = n."name";
UPDATE "User" u SET "username" = '#' || u."id" || '#' FROM "_dts_usernames" n WHERE n."id" = u."id";
UPDATE "User" u SET "username" = n."name" FROM "_dts_usernames" n WHERE n."id" = u."id";
