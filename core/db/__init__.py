"""Fast data access, in one place: what bypasses the ORM or depends on the database.

* `rows`: plain-SQL inserts, updates and reads of model rows for the hot paths (the scan, the ledger);
* `sql`: the portable SQL fragments of the set-based reports;
* `expressions`: database expressions models compute columns with (a text id as a number);
* `ttl_cache`: values a process keeps a few seconds (a device token's user, a day's plan);
* `postgresql`: the database backend on PostgreSQL (cheap health check, prepared statements);
* `migration_ops`: PostgreSQL-only migration operations, trigram indexes, key refreshes, duplicate checks;
* `replica`: the read replica's router, and `replica_reads()` around a report's queries;
* `cache`: the shared cache on Redis (CACHE_URL=redis://…).

Where plain SQL is allowed, and how it is held to its ORM or Python twin: docs/architecture.md.
"""
