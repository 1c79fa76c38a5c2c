-- CreateTable
CREATE TABLE "GridWorkspace" (
    "teamId" TEXT NOT NULL,
    "enterpriseId" TEXT NOT NULL,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GridWorkspace_pkey" PRIMARY KEY ("teamId")
);
