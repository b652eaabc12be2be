"""Service-level tracking: the file's clock, live escalation, weekly and monthly SLA reports."""
