CREATE TABLE "ClientAssertions" (
	"ClientID" varchar(128) NOT NULL,
	"JTI" varchar(255) NOT NULL,
	"ExpiresAt" timestamp with time zone NOT NULL,
	CONSTRAINT "ClientAssertions_pk" PRIMARY KEY("ClientID","JTI")
);
--> statement-breakpoint
CREATE INDEX "ClientAssertions_ExpiresAt" ON "ClientAssertions" USING btree ("ExpiresAt");