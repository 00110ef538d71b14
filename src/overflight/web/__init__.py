"""The web map and HTTP API: a FastAPI app that serves the library, its page and its basemap."""
