import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Web requests get bounded statements (docs/deploy.md, "When the database is away"); commands and the task worker,
# which may legitimately run long statements (imports, stress data, VACUUM), do not unless DB_STATEMENT_TIMEOUT says so.
os.environ.setdefault("DB_STATEMENT_TIMEOUT", "30")
application = get_wsgi_application()
