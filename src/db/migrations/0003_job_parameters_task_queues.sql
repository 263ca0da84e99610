CREATE TABLE "JobParametersDocs" (
	"JobID" integer PRIMARY KEY NOT NULL,
	"VO" varchar(32) NOT NULL,
	"Parameters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"UpdatedAt" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tq_Jobs" (
	"TQId" integer NOT NULL,
	"JobId" integer NOT NULL,
	"Priority" integer NOT NULL,
	"RealPriority" double precision NOT NULL,
	CONSTRAINT "tq_Jobs_pk" PRIMARY KEY("TQId","JobId")
);
--> statement-breakpoint
CREATE TABLE "tq_TaskQueues" (
	"TQId" serial PRIMARY KEY NOT NULL,
	"Owner" varchar(255) NOT NULL,
	"OwnerGroup" varchar(32) NOT NULL,
	"VO" varchar(32) NOT NULL,
	"CPUTime" bigint NOT NULL,
	"Priority" double precision NOT NULL,
	"Enabled" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "JobParametersDocs" ADD CONSTRAINT "JobParametersDocs_JobID_Jobs_JobID_fk" FOREIGN KEY ("JobID") REFERENCES "public"."Jobs"("JobID") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tq_Jobs" ADD CONSTRAINT "tq_Jobs_TQId_tq_TaskQueues_TQId_fk" FOREIGN KEY ("TQId") REFERENCES "public"."tq_TaskQueues"("TQId") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "JobParametersDocs_VO" ON "JobParametersDocs" USING btree ("VO");--> statement-breakpoint
CREATE INDEX "JobParametersDocs_Parameters" ON "JobParametersDocs" USING gin ("Parameters");--> statement-breakpoint
CREATE INDEX "tq_Jobs_JobId" ON "tq_Jobs" USING btree ("JobId");--> statement-breakpoint
CREATE INDEX "tq_TaskQueues_TQOwner" ON "tq_TaskQueues" USING btree ("Owner","OwnerGroup","CPUTime");--> statement-breakpoint
CREATE INDEX "Jobs_VO_Owner" ON "Jobs" USING btree ("VO","Owner");--> statement-breakpoint
CREATE INDEX "Jobs_VO_Status" ON "Jobs" USING btree ("VO","Status");--> statement-breakpoint
CREATE INDEX "Jobs_SubmissionTime" ON "Jobs" USING btree ("SubmissionTime");