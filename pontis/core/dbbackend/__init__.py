"""PostgreSQL with every wait for the server bounded (see base.py)."""
