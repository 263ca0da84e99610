ALTER TABLE "AuthorizationFlows" ADD COLUMN "Resource" varchar(1024);--> statement-breakpoint
ALTER TABLE "AuthorizationFlows" ADD COLUMN "ClientState" varchar(1024);