-- CreateTable
CREATE TABLE "Installation" (
    "id" TEXT NOT NULL,
    "teamId" TEXT,
    "enterpriseId" TEXT,
    "sealed" TEXT NOT NULL,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Installation_pkey" PRIMARY KEY ("id")
);
