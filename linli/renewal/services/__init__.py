"""Every write to renovation records goes through these services; each writes an audit entry."""
