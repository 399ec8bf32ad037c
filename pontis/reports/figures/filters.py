"""The dashboard's filters, one definition for the pages, the exports, the PDF report and the statistics API.

``Filters`` is immutable and hashable, so that a computed figure can be cached by it; ``query_string()`` writes
it back into a URL (the filters live in the URL) and ``describe()`` says it in words for an export's filters sheet
and the report's cover.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.http import urlencode


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    region: str | None = None  # a Region code
    theme: str | None = None  # a ThematicArea code
    country: str | None = None  # a Country ISO code

    def query_string(self) -> str:
        pairs = [("from", self.date_from.isoformat() if self.date_from else None),
                 ("to", self.date_to.isoformat() if self.date_to else None),
                 ("region", self.region), ("theme", self.theme), ("country", self.country)]
        return urlencode([(k, v) for k, v in pairs if v])

    @property
    def key(self) -> str:
        """A stable cache key part."""
        return self.query_string() or "all"
