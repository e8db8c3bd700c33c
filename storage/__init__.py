"""Storage: SQLModel tables, engine and sessions, migrations and repository functions."""
