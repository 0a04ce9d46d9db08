"""Every SQL statement of the service, one module per aggregate. Functions take an async connection
(dict rows, autocommit) and keep their transactions short: nothing here waits on the network."""
