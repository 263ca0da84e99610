CREATE TABLE "GubbinsOwners" (
	"OwnerID" serial PRIMARY KEY NOT NULL,
	"VO" varchar(64) NOT NULL,
	"Name" varchar(255) NOT NULL,
	"CreatedBy" varchar(255) NOT NULL,
	"CreationTime" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "GubbinsOwners_VO_Name" ON "GubbinsOwners" USING btree ("VO","Name");