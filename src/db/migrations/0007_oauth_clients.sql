CREATE TABLE "OAuthClients" (
	"ClientID" varchar(64) PRIMARY KEY NOT NULL,
	"ClientName" varchar(200),
	"RedirectURIs" jsonb NOT NULL,
	"GrantTypes" jsonb NOT NULL,
	"CreatedAt" timestamp with time zone NOT NULL,
	"LastUsedAt" timestamp with time zone,
	"ExpiresAt" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "OAuthClients_ExpiresAt" ON "OAuthClients" USING btree ("ExpiresAt");