"""Every CSV and XLSX that Pontis writes goes through here, so that no exported cell can run as a formula.

    return export_response("xlsx", header, rows, filename="roster", sheet="roster")

- Text that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``: a
  spreadsheet shows it as text instead of running it (``=HYPERLINK(...)`` from a registration form stays text).
- Numbers, booleans, dates and date-times stay typed: real numeric and date cells in XLSX, plain values in CSV.
- CSV is UTF-8 with a byte-order mark (so Excel reads accents right), comma-separated, CRLF line ends.
- XLSX cells lose the control characters that the file format cannot hold (they would make the file unreadable).
- The download name is reduced to safe ASCII characters with the format's extension.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import re
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# Characters the XLSX format cannot store (openpyxl refuses them): C0 controls except tab, newline, return.
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TYPED = (bool, int, float, decimal.Decimal, datetime.date, datetime.time)
# Characters a sheet's name cannot hold.
_SHEET_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """A cell value that cannot run: typed values unchanged, text that could start a formula prefixed with '."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, _TYPED):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_text(value) -> str:
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    return str(value)


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """The rows as a UTF-8 CSV with a byte-order mark, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_text(neutralise(h)) for h in header])
    for row in rows:
        writer.writerow([_csv_text(neutralise(v)) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, sheet: str = "data",
               about: Sequence[tuple[str, object]] | None = None) -> bytes:
    """The rows as an XLSX workbook of one sheet: text cells neutralised, numbers and dates as typed cells.

    ``about``: (label, value) pairs written to a second sheet, "About this export" (the filters in words, the
    time, who exported); neutralised like every cell. A CSV has no second sheet: it stays a plain table."""
    def cell(value):
        value = neutralise(value)
        return _XLSX_ILLEGAL.sub("", value) if isinstance(value, str) else value

    book = Workbook(write_only=True)
    worksheet = book.create_sheet((get_valid_filename(sheet) or "data")[:31])
    worksheet.append([cell(h) for h in header])
    for row in rows:
        worksheet.append([cell(v) for v in row])
    if about is not None:
        about_sheet = book.create_sheet(_SHEET_ILLEGAL.sub("", str(_("About this export")))[:31] or "about")
        for label, value in about:
            about_sheet.append([cell(label), cell(value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def safe_filename(name: str, ext: str) -> str:
    """``name`` reduced to safe ASCII letters, digits, '-', '_' and '.', with ``ext``."""
    base = name.encode("ascii", "ignore").decode().replace("\\", "/").rsplit("/", 1)[-1]
    base = base.removesuffix(f".{ext}")
    base = get_valid_filename(base).strip("._-") if base.strip(" ._-") else ""
    return f"{base[:100] or 'export'}.{ext}"


def export_response(fmt: str, header: Sequence[str], rows: Iterable[Sequence], *, filename: str,
                    sheet: str = "data", about: Sequence[tuple[str, object]] | None = None) -> HttpResponse:
    """The rows as a download in ``fmt`` ("csv" or "xlsx"); any other format raises ValueError. ``about``: the
    XLSX's second sheet (see ``xlsx_bytes``); ignored for CSV."""
    if fmt == "xlsx":
        body, content_type = xlsx_bytes(header, rows, sheet=sheet, about=about), XLSX_TYPE
    elif fmt == "csv":
        body, content_type = csv_bytes(header, rows), CSV_TYPE
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename, fmt))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(html: str, filename: str, *, base_url: str | None = None) -> HttpResponse:
    """``html`` printed to PDF by WeasyPrint, as a download named ``filename`` (reduced to safe ASCII)."""
    from weasyprint import HTML  # noqa: PLC0415 - heavy library (cairo, pango), loaded only when printing

    response = HttpResponse(HTML(string=html, base_url=base_url).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename, "pdf"))
    response["X-Content-Type-Options"] = "nosniff"
    return response
