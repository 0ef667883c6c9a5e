"""Django's PostgreSQL backend with a cheaper health check and prepared statements (see base.py)."""
