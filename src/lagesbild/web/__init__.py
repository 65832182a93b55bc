"""The web app: not built yet (see the web-app issue)."""
