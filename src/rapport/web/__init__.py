"""The web interface: pages for the browser and the JSON API, over the services."""
