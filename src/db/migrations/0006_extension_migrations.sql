CREATE TABLE "ExtensionMigrations" (
	"Extension" varchar(64) NOT NULL,
	"Name" varchar(255) NOT NULL,
	"AppliedAt" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ExtensionMigrations_Extension_Name_pk" PRIMARY KEY("Extension","Name")
);
