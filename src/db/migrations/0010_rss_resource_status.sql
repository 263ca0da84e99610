CREATE TABLE "ResourceHistory" (
	"ID" bigserial PRIMARY KEY NOT NULL,
	"Name" varchar(64) NOT NULL,
	"StatusType" varchar(128) DEFAULT 'all' NOT NULL,
	"VO" varchar(64) DEFAULT 'all' NOT NULL,
	"Status" varchar(8) DEFAULT '' NOT NULL,
	"Reason" varchar(512) DEFAULT 'Unspecified' NOT NULL,
	"DateEffective" timestamp with time zone NOT NULL,
	"TokenExpiration" timestamp with time zone DEFAULT '9999-12-31T23:59:59.000Z' NOT NULL,
	"ElementType" varchar(32) DEFAULT '' NOT NULL,
	"LastCheckTime" timestamp with time zone DEFAULT '1000-01-01T00:00:00.000Z' NOT NULL,
	"TokenOwner" varchar(16) DEFAULT 'rs_svc' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ResourceLog" (
	"ID" bigserial PRIMARY KEY NOT NULL,
	"Name" varchar(64) NOT NULL,
	"StatusType" varchar(128) DEFAULT 'all' NOT NULL,
	"VO" varchar(64) DEFAULT 'all' NOT NULL,
	"Status" varchar(8) DEFAULT '' NOT NULL,
	"Reason" varchar(512) DEFAULT 'Unspecified' NOT NULL,
	"DateEffective" timestamp with time zone NOT NULL,
	"TokenExpiration" timestamp with time zone DEFAULT '9999-12-31T23:59:59.000Z' NOT NULL,
	"ElementType" varchar(32) DEFAULT '' NOT NULL,
	"LastCheckTime" timestamp with time zone DEFAULT '1000-01-01T00:00:00.000Z' NOT NULL,
	"TokenOwner" varchar(16) DEFAULT 'rs_svc' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ResourceStatus" (
	"Name" varchar(64) NOT NULL,
	"StatusType" varchar(128) DEFAULT 'all' NOT NULL,
	"VO" varchar(64) DEFAULT 'all' NOT NULL,
	"Status" varchar(8) DEFAULT '' NOT NULL,
	"Reason" varchar(512) DEFAULT 'Unspecified' NOT NULL,
	"DateEffective" timestamp with time zone NOT NULL,
	"TokenExpiration" timestamp with time zone DEFAULT '9999-12-31T23:59:59.000Z' NOT NULL,
	"ElementType" varchar(32) DEFAULT '' NOT NULL,
	"LastCheckTime" timestamp with time zone DEFAULT '1000-01-01T00:00:00.000Z' NOT NULL,
	"TokenOwner" varchar(16) DEFAULT 'rs_svc' NOT NULL,
	CONSTRAINT "ResourceStatus_pk" PRIMARY KEY("Name","StatusType","VO")
);
--> statement-breakpoint
CREATE TABLE "SiteHistory" (
	"ID" bigserial PRIMARY KEY NOT NULL,
	"Name" varchar(64) NOT NULL,
	"StatusType" varchar(128) DEFAULT 'all' NOT NULL,
	"VO" varchar(64) DEFAULT 'all' NOT NULL,
	"Status" varchar(8) DEFAULT '' NOT NULL,
	"Reason" varchar(512) DEFAULT 'Unspecified' NOT NULL,
	"DateEffective" timestamp with time zone NOT NULL,
	"TokenExpiration" timestamp with time zone DEFAULT '9999-12-31T23:59:59.000Z' NOT NULL,
	"ElementType" varchar(32) DEFAULT '' NOT NULL,
	"LastCheckTime" timestamp with time zone DEFAULT '1000-01-01T00:00:00.000Z' NOT NULL,
	"TokenOwner" varchar(16) DEFAULT 'rs_svc' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "SiteLog" (
	"ID" bigserial PRIMARY KEY NOT NULL,
	"Name" varchar(64) NOT NULL,
	"StatusType" varchar(128) DEFAULT 'all' NOT NULL,
	"VO" varchar(64) DEFAULT 'all' NOT NULL,
	"Status" varchar(8) DEFAULT '' NOT NULL,
	"Reason" varchar(512) DEFAULT 'Unspecified' NOT NULL,
	"DateEffective" timestamp with time zone NOT NULL,
	"TokenExpiration" timestamp with time zone DEFAULT '9999-12-31T23:59:59.000Z' NOT NULL,
	"ElementType" varchar(32) DEFAULT '' NOT NULL,
	"LastCheckTime" timestamp with time zone DEFAULT '1000-01-01T00:00:00.000Z' NOT NULL,
	"TokenOwner" varchar(16) DEFAULT 'rs_svc' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "SiteStatus" (
	"Name" varchar(64) NOT NULL,
	"StatusType" varchar(128) DEFAULT 'all' NOT NULL,
	"VO" varchar(64) DEFAULT 'all' NOT NULL,
	"Status" varchar(8) DEFAULT '' NOT NULL,
	"Reason" varchar(512) DEFAULT 'Unspecified' NOT NULL,
	"DateEffective" timestamp with time zone NOT NULL,
	"TokenExpiration" timestamp with time zone DEFAULT '9999-12-31T23:59:59.000Z' NOT NULL,
	"ElementType" varchar(32) DEFAULT '' NOT NULL,
	"LastCheckTime" timestamp with time zone DEFAULT '1000-01-01T00:00:00.000Z' NOT NULL,
	"TokenOwner" varchar(16) DEFAULT 'rs_svc' NOT NULL,
	CONSTRAINT "SiteStatus_pk" PRIMARY KEY("Name","StatusType","VO")
);
