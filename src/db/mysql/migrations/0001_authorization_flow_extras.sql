CREATE TABLE `AuthorizationFlowExtras` (
	`UUID` uuid NOT NULL,
	`Resource` varchar(1024),
	`ClientState` varchar(1024),
	CONSTRAINT `AuthorizationFlowExtras_UUID` PRIMARY KEY(`UUID`)
);
