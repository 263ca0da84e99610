CREATE TABLE `ClientAssertions` (
	`ClientID` varchar(128) NOT NULL,
	`JTI` varchar(255) NOT NULL,
	`ExpiresAt` datetime(6) NOT NULL,
	CONSTRAINT `ClientAssertions_ClientID_JTI_pk` PRIMARY KEY(`ClientID`,`JTI`)
);
--> statement-breakpoint
CREATE TABLE `ExtensionMigrations` (
	`Extension` varchar(64) NOT NULL,
	`Name` varchar(255) NOT NULL,
	`AppliedAt` datetime(6) NOT NULL,
	CONSTRAINT `ExtensionMigrations_Extension_Name_pk` PRIMARY KEY(`Extension`,`Name`)
);
--> statement-breakpoint
CREATE TABLE `JobParametersDocs` (
	`JobID` int NOT NULL,
	`VO` varchar(32) NOT NULL,
	`Parameters` json NOT NULL,
	`UpdatedAt` datetime(6) NOT NULL,
	CONSTRAINT `JobParametersDocs_JobID` PRIMARY KEY(`JobID`)
);
--> statement-breakpoint
CREATE TABLE `OAuthClients` (
	`ClientID` varchar(64) NOT NULL,
	`ClientName` varchar(200),
	`RedirectURIs` json NOT NULL,
	`GrantTypes` json NOT NULL,
	`CreatedAt` datetime(6) NOT NULL,
	`LastUsedAt` datetime(6),
	`ExpiresAt` datetime(6) NOT NULL,
	CONSTRAINT `OAuthClients_ClientID` PRIMARY KEY(`ClientID`)
);
--> statement-breakpoint
CREATE INDEX `ClientAssertions_ExpiresAt` ON `ClientAssertions` (`ExpiresAt`);--> statement-breakpoint
CREATE INDEX `JobParametersDocs_VO` ON `JobParametersDocs` (`VO`);--> statement-breakpoint
CREATE INDEX `OAuthClients_ExpiresAt` ON `OAuthClients` (`ExpiresAt`);