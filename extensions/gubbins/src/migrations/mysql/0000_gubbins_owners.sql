-- GubbinsOwners on MySQL/MariaDB, in our own database: the table of ../0000_gubbins_owners.sql.
-- One idempotent statement (MySQL commits DDL as it runs; a failed start runs it again).
-- Binary collation: names compare as on PostgreSQL (case-sensitive), in any script (utf8mb4).
CREATE TABLE IF NOT EXISTS `GubbinsOwners` (
	`OwnerID` int NOT NULL AUTO_INCREMENT,
	`VO` varchar(64) NOT NULL,
	`Name` varchar(255) NOT NULL,
	`CreatedBy` varchar(255) NOT NULL,
	`CreationTime` datetime(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
	PRIMARY KEY (`OwnerID`),
	UNIQUE KEY `GubbinsOwners_VO_Name` (`VO`, `Name`)
) DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
