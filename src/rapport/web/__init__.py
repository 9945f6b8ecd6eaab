"""The web interface: FastAPI pages and JSON API over the services (see app.create_app)."""
