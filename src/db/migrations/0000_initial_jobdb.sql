CREATE TABLE "LoggingInfo" (
	"JobID" integer NOT NULL,
	"SeqNum" bigserial PRIMARY KEY NOT NULL,
	"Status" varchar(32) DEFAULT '' NOT NULL,
	"MinorStatus" varchar(128) DEFAULT '' NOT NULL,
	"ApplicationStatus" varchar(255) DEFAULT '' NOT NULL,
	"StatusTime" timestamp with time zone DEFAULT now() NOT NULL,
	"StatusTimeOrder" numeric(12, 3) NOT NULL,
	"StatusSource" varchar(32) DEFAULT 'Unknown' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "HeartBeatLoggingInfo" (
	"JobID" integer NOT NULL,
	"Name" varchar(100) NOT NULL,
	"Value" text NOT NULL,
	"HeartBeatTime" timestamp with time zone NOT NULL,
	CONSTRAINT "HeartBeatLoggingInfo_pk" PRIMARY KEY("JobID","Name","HeartBeatTime")
);
--> statement-breakpoint
CREATE TABLE "InputData" (
	"JobID" integer NOT NULL,
	"LFN" varchar(255) NOT NULL,
	"Status" varchar(32) DEFAULT 'AprioriGood' NOT NULL,
	CONSTRAINT "InputData_pk" PRIMARY KEY("JobID","LFN")
);
--> statement-breakpoint
CREATE TABLE "JobCommands" (
	"JobID" integer NOT NULL,
	"Command" varchar(100) NOT NULL,
	"Arguments" varchar(100) DEFAULT '' NOT NULL,
	"Status" varchar(64) DEFAULT 'Received' NOT NULL,
	"ReceptionTime" timestamp with time zone DEFAULT now() NOT NULL,
	"ExecutionTime" timestamp with time zone,
	CONSTRAINT "JobCommands_pk" PRIMARY KEY("JobID","ReceptionTime")
);
--> statement-breakpoint
CREATE TABLE "JobJDLs" (
	"JobID" serial PRIMARY KEY NOT NULL,
	"JDL" text DEFAULT '' NOT NULL,
	"JobRequirements" text DEFAULT '' NOT NULL,
	"OriginalJDL" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "Jobs" (
	"JobID" integer PRIMARY KEY NOT NULL,
	"JobType" varchar(32) DEFAULT 'user' NOT NULL,
	"JobGroup" varchar(32) DEFAULT '00000000' NOT NULL,
	"Site" varchar(100) DEFAULT 'ANY' NOT NULL,
	"JobName" varchar(128) DEFAULT 'Unknown' NOT NULL,
	"Owner" varchar(64) DEFAULT 'Unknown' NOT NULL,
	"OwnerGroup" varchar(128) DEFAULT 'Unknown' NOT NULL,
	"VO" varchar(32) NOT NULL,
	"SubmissionTime" timestamp with time zone,
	"RescheduleTime" timestamp with time zone,
	"LastUpdateTime" timestamp with time zone,
	"StartExecTime" timestamp with time zone,
	"HeartBeatTime" timestamp with time zone,
	"EndExecTime" timestamp with time zone,
	"Status" varchar(32) DEFAULT 'Received' NOT NULL,
	"MinorStatus" varchar(128) DEFAULT 'Unknown' NOT NULL,
	"ApplicationStatus" varchar(255) DEFAULT 'Unknown' NOT NULL,
	"UserPriority" integer DEFAULT 0 NOT NULL,
	"RescheduleCounter" integer DEFAULT 0 NOT NULL,
	"VerifiedFlag" boolean DEFAULT false NOT NULL,
	"AccountedFlag" varchar(8) DEFAULT 'False' NOT NULL
);
--> statement-breakpoint
ALTER TABLE "HeartBeatLoggingInfo" ADD CONSTRAINT "HeartBeatLoggingInfo_JobID_Jobs_JobID_fk" FOREIGN KEY ("JobID") REFERENCES "public"."Jobs"("JobID") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "InputData" ADD CONSTRAINT "InputData_JobID_Jobs_JobID_fk" FOREIGN KEY ("JobID") REFERENCES "public"."Jobs"("JobID") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "JobCommands" ADD CONSTRAINT "JobCommands_JobID_Jobs_JobID_fk" FOREIGN KEY ("JobID") REFERENCES "public"."Jobs"("JobID") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "Jobs" ADD CONSTRAINT "Jobs_JobID_JobJDLs_JobID_fk" FOREIGN KEY ("JobID") REFERENCES "public"."JobJDLs"("JobID") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "LoggingInfo_JobID" ON "LoggingInfo" USING btree ("JobID","StatusTimeOrder");--> statement-breakpoint
CREATE INDEX "Jobs_JobType" ON "Jobs" USING btree ("JobType");--> statement-breakpoint
CREATE INDEX "Jobs_JobGroup" ON "Jobs" USING btree ("JobGroup");--> statement-breakpoint
CREATE INDEX "Jobs_Site" ON "Jobs" USING btree ("Site");--> statement-breakpoint
CREATE INDEX "Jobs_Owner" ON "Jobs" USING btree ("Owner");--> statement-breakpoint
CREATE INDEX "Jobs_OwnerGroup" ON "Jobs" USING btree ("OwnerGroup");--> statement-breakpoint
CREATE INDEX "Jobs_Status" ON "Jobs" USING btree ("Status");--> statement-breakpoint
CREATE INDEX "Jobs_MinorStatus" ON "Jobs" USING btree ("MinorStatus");--> statement-breakpoint
CREATE INDEX "Jobs_ApplicationStatus" ON "Jobs" USING btree ("ApplicationStatus");--> statement-breakpoint
CREATE INDEX "Jobs_StatusSite" ON "Jobs" USING btree ("Status","Site");--> statement-breakpoint
CREATE INDEX "Jobs_LastUpdateTime" ON "Jobs" USING btree ("LastUpdateTime");