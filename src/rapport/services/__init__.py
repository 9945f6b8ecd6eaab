"""The use cases. Every interface (CLI, web, API) calls these; transactions live here."""
