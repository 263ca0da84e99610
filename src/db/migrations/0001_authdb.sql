CREATE TABLE "AuthorizationFlows" (
	"UUID" uuid PRIMARY KEY NOT NULL,
	"Status" varchar(16) DEFAULT 'PENDING' NOT NULL,
	"ClientID" varchar(255) NOT NULL,
	"CreationTime" timestamp with time zone DEFAULT now() NOT NULL,
	"Scope" varchar(1024) NOT NULL,
	"CodeChallenge" varchar(255) NOT NULL,
	"CodeChallengeMethod" varchar(8) NOT NULL,
	"RedirectURI" varchar(255) NOT NULL,
	"Code" varchar(255),
	"IDToken" jsonb,
	CONSTRAINT "AuthorizationFlows_Status_check" CHECK ("Status" IN ('PENDING', 'READY', 'DONE', 'ERROR'))
);
--> statement-breakpoint
CREATE TABLE "DeviceFlows" (
	"UserCode" varchar(8) PRIMARY KEY NOT NULL,
	"Status" varchar(16) DEFAULT 'PENDING' NOT NULL,
	"CreationTime" timestamp with time zone DEFAULT now() NOT NULL,
	"ClientID" varchar(255) NOT NULL,
	"Scope" varchar(1024) NOT NULL,
	"DeviceCode" varchar(128) NOT NULL,
	"IDToken" jsonb,
	CONSTRAINT "DeviceFlows_DeviceCode_unique" UNIQUE("DeviceCode"),
	CONSTRAINT "DeviceFlows_Status_check" CHECK ("Status" IN ('PENDING', 'READY', 'DONE', 'ERROR'))
);
--> statement-breakpoint
CREATE TABLE "RefreshTokens" (
	"JTI" uuid PRIMARY KEY NOT NULL,
	"Status" varchar(16) DEFAULT 'CREATED' NOT NULL,
	"Scope" varchar(1024) NOT NULL,
	"Sub" varchar(256) NOT NULL,
	"ExpiresAt" timestamp with time zone NOT NULL,
	CONSTRAINT "RefreshTokens_Status_check" CHECK ("Status" IN ('CREATED', 'REVOKED'))
);
--> statement-breakpoint
CREATE INDEX "AuthorizationFlows_CreationTime" ON "AuthorizationFlows" USING btree ("CreationTime");--> statement-breakpoint
CREATE UNIQUE INDEX "AuthorizationFlows_Code" ON "AuthorizationFlows" USING btree ("Code");--> statement-breakpoint
CREATE INDEX "DeviceFlows_CreationTime" ON "DeviceFlows" USING btree ("CreationTime");--> statement-breakpoint
CREATE INDEX "RefreshTokens_Sub" ON "RefreshTokens" USING btree ("Sub");--> statement-breakpoint
CREATE INDEX "RefreshTokens_StatusSub" ON "RefreshTokens" USING btree ("Status","Sub");--> statement-breakpoint
CREATE INDEX "RefreshTokens_ExpiresAt" ON "RefreshTokens" USING btree ("ExpiresAt");