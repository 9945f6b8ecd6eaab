"""Storage: SQLAlchemy models and queries, SQLite or PostgreSQL. ORM rows stay here
and in the services; interfaces receive plain values."""
