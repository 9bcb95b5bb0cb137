"""MongoDB: the client and the service's database, indexes, guarded writes with their events, the audit trail."""
