"""Demo content for a new database: a ministry, organisations, users per role, a meeting with registrations."""
