DROP INDEX "Jobs_VO_Status";--> statement-breakpoint
CREATE INDEX "Jobs_VO_Status_Site_JobID" ON "Jobs" USING btree ("VO","Status","Site","JobID");--> statement-breakpoint
CREATE INDEX "Jobs_VO_Owner_Status_Site_JobID" ON "Jobs" USING btree ("VO","Owner","Status","Site","JobID");