"""Reports, letters, follow-up, series, retention and the audit log (issue 12)."""
