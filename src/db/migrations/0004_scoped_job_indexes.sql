DROP INDEX "Jobs_VO_Owner";--> statement-breakpoint
CREATE INDEX "Jobs_VO_Owner_JobID" ON "Jobs" USING btree ("VO","Owner","JobID");--> statement-breakpoint
CREATE INDEX "Jobs_VO_JobID" ON "Jobs" USING btree ("VO","JobID");