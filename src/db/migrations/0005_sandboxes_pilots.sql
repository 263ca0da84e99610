CREATE TABLE "JobToPilotMapping" (
	"PilotID" integer NOT NULL,
	"JobID" integer NOT NULL,
	"StartTime" timestamp with time zone NOT NULL,
	CONSTRAINT "JobToPilotMapping_pk" PRIMARY KEY("PilotID","JobID")
);
--> statement-breakpoint
CREATE TABLE "PilotAgents" (
	"PilotID" serial PRIMARY KEY NOT NULL,
	"InitialJobID" integer DEFAULT 0 NOT NULL,
	"CurrentJobID" integer DEFAULT 0 NOT NULL,
	"PilotJobReference" varchar(255) DEFAULT 'Unknown' NOT NULL,
	"PilotStamp" varchar(32) DEFAULT '' NOT NULL,
	"DestinationSite" varchar(128) DEFAULT 'NotAssigned' NOT NULL,
	"Queue" varchar(128) DEFAULT 'Unknown' NOT NULL,
	"GridSite" varchar(128) DEFAULT 'Unknown' NOT NULL,
	"VO" varchar(128) NOT NULL,
	"GridType" varchar(32) DEFAULT 'LCG' NOT NULL,
	"BenchMark" double precision DEFAULT 0 NOT NULL,
	"SubmissionTime" timestamp with time zone,
	"LastUpdateTime" timestamp with time zone,
	"Status" varchar(32) DEFAULT 'Unknown' NOT NULL,
	"StatusReason" varchar(255) DEFAULT 'Unknown' NOT NULL,
	"AccountingSent" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "PilotOutput" (
	"PilotID" integer PRIMARY KEY NOT NULL,
	"StdOutput" text DEFAULT '' NOT NULL,
	"StdError" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sb_EntityMapping" (
	"SBId" integer NOT NULL,
	"EntityId" varchar(128) NOT NULL,
	"Type" varchar(64) NOT NULL,
	CONSTRAINT "sb_EntityMapping_pk" PRIMARY KEY("SBId","EntityId","Type")
);
--> statement-breakpoint
CREATE TABLE "sb_Owners" (
	"OwnerID" serial PRIMARY KEY NOT NULL,
	"Owner" varchar(32) NOT NULL,
	"OwnerGroup" varchar(32) NOT NULL,
	"VO" varchar(64) NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sb_SandBoxes" (
	"SBId" serial PRIMARY KEY NOT NULL,
	"OwnerId" integer NOT NULL,
	"SEName" varchar(64) NOT NULL,
	"SEPFN" varchar(512) NOT NULL,
	"Bytes" bigint NOT NULL,
	"RegistrationTime" timestamp with time zone DEFAULT now() NOT NULL,
	"LastAccessTime" timestamp with time zone DEFAULT now() NOT NULL,
	"Assigned" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "JobToPilotMapping_JobID" ON "JobToPilotMapping" USING btree ("JobID");--> statement-breakpoint
CREATE INDEX "PilotAgents_PilotJobReference" ON "PilotAgents" USING btree ("PilotJobReference");--> statement-breakpoint
CREATE INDEX "PilotAgents_Status" ON "PilotAgents" USING btree ("Status");--> statement-breakpoint
CREATE INDEX "PilotAgents_Statuskey" ON "PilotAgents" USING btree ("GridSite","DestinationSite","Status");--> statement-breakpoint
CREATE INDEX "PilotAgents_idx_dest_queue_status" ON "PilotAgents" USING btree ("DestinationSite","Queue","Status");--> statement-breakpoint
CREATE UNIQUE INDEX "PilotAgents_PilotStamp" ON "PilotAgents" USING btree ("PilotStamp");--> statement-breakpoint
CREATE INDEX "PilotAgents_VO" ON "PilotAgents" USING btree ("VO");--> statement-breakpoint
CREATE INDEX "sb_EntityMapping_SBId_EntityId" ON "sb_EntityMapping" USING btree ("SBId","EntityId");--> statement-breakpoint
CREATE INDEX "sb_EntityMapping_EntityId" ON "sb_EntityMapping" USING btree ("EntityId");--> statement-breakpoint
CREATE UNIQUE INDEX "sb_Owners_unique_owner_group_vo" ON "sb_Owners" USING btree ("Owner","OwnerGroup","VO");--> statement-breakpoint
CREATE INDEX "sb_SandBoxes_OwnerId" ON "sb_SandBoxes" USING btree ("OwnerId");--> statement-breakpoint
CREATE UNIQUE INDEX "sb_SandBoxes_Location" ON "sb_SandBoxes" USING btree ("SEName","SEPFN");