"""``import_roster`` and ``import_deployments``: validate every row first, then write in batches.

Both answer a report ``{"total", "created", "updated", "unchanged", "skipped", "errors": [{"row", "messages"}],
"warnings": [...], "imported": bool}``. Row numbers are the file's line numbers (the header is row 1).
Nothing is written when a row is bad, unless ``partial`` (then the good rows are imported).
Idempotent: profiles are keyed by e-mail; deployments by expert, activity and dates.
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import enum
import io
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, connections, router, transaction
from django.db.models import Max
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from pontis.actions.models import Action
from pontis.actions.services import activity_get_or_create_for_import
from pontis.core import audit, vocabulary
from pontis.core.errors import ValidationFailed
from pontis.core.models import ActivityType, Country, Language, ThematicArea, Topic
from pontis.core.permissions import ensure
from pontis.core.uploads import SPREADSHEETS, check_archive, check_upload

from ..models import Background, Deployment, DeploymentRole, ExpertLanguage, ExpertProfile, Gender, ImportJob, Level
from ..tasks import enqueue_import

ROSTER_COLUMNS = ["email", "given_name", "family_name", "gender", "nationality", "background", "institution",
                  "languages", "thematic_areas", "topics", "countries_of_experience", "status", "registered_on"]
DEPLOYMENT_COLUMNS = ["expert_email", "action_code", "activity", "start_date", "end_date", "role"]
BATCH = 2000


class ImportFileError(Exception):
    """The file cannot be read at all (format, missing columns). ``message`` is for the user."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def read_rows(path_or_file, name: str = "") -> list[dict]:
    """Rows of a CSV (UTF-8, comma or semicolon) or XLSX file as dicts with lower-case, stripped keys."""
    name = (name or str(getattr(path_or_file, "name", path_or_file))).lower()
    if isinstance(path_or_file, (str, Path)):
        data = Path(path_or_file).read_bytes()
    else:
        path_or_file.seek(0)
        data = path_or_file.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        from openpyxl import load_workbook  # noqa: PLC0415 - heavy library, loaded only for an XLSX file

        try:
            check_archive(io.BytesIO(data))  # before openpyxl opens it: no zip bomb, no macros, no programs
        except ValidationFailed as exc:
            raise ImportFileError(exc.message)
        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception:  # noqa: BLE001 - any unreadable workbook gets the same clear message
            raise ImportFileError(_("The file is not a readable XLSX workbook."))
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip().lower() for h in next(rows, [])]
        out = []
        for values in rows:
            row = {}
            for key, value in zip(header, values, strict=False):
                if isinstance(value, datetime.datetime):
                    value = value.date().isoformat()
                elif isinstance(value, datetime.date):
                    value = value.isoformat()
                row[key] = "" if value is None else str(value).strip()
            out.append(row)
        return out
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file must be a CSV encoded in UTF-8, or an XLSX workbook."))
    first = text.split("\n", 1)[0]
    # Some spreadsheet exports separate columns with semicolons; lists inside cells use ';' only after a header with commas.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]


def _check_columns(rows, expected):
    if not rows:
        raise ImportFileError(_("The file has no rows."))
    missing = [c for c in expected if c not in rows[0]]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})


def _split(value):
    return [p.strip() for p in (value or "").split(";") if p.strip()]


def _date(value):
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _report(total):
    return {"total": total, "created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "errors": [], "warnings": [],
            "imported": False}


# ---------------------------------------------------------------- roster


def _roster_lookups():
    """Every coded column takes the code or the label in any UI language (``pontis.core.vocabulary``)."""
    return {
        "countries": vocabulary.countries(Country.objects.all(), value=lambda c: c.id),
        "languages": vocabulary.languages(Language.objects.all(), value=lambda lang: lang.id),
        "themes": vocabulary.reference(ThematicArea.objects.all(), _("thematic area")),
        "topics": vocabulary.reference(Topic.objects.all(), _("topic")),
        "genders": vocabulary.choices(_("gender"), Gender.choices),
        "backgrounds": vocabulary.choices(_("background"), Background.choices),
        "levels": vocabulary.choices(_("language level"), Level.choices),
        "statuses": vocabulary.choices(_("status"), ExpertProfile.Status.choices),
    }


def _coded(vocab, text, errors):
    """The value of a coded cell, or None with the reason (naming the closest known values) added to ``errors``."""
    try:
        return vocab.resolve(text)
    except vocabulary.Unknown as exc:
        errors.append(exc.message)
        return None


def _validate_roster_row(row, lk, seen):
    errors, clean = [], {}
    email = row.get("email", "").lower()
    try:
        validate_email(email)
    except ValidationError:
        errors.append(_("e-mail address '%(value)s' is not valid") % {"value": email})
    if email in seen:
        errors.append(_("e-mail address repeated from row %(row)s") % {"row": seen[email]})
    clean["email"] = email
    for name in ("given_name", "family_name"):
        clean[name] = row.get(name, "")[:150]
        if not clean[name]:
            errors.append(_("%(column)s is empty") % {"column": name})
    gender = row.get("gender", "")
    clean["gender"] = _coded(lk["genders"], gender, errors) if gender else Gender.UNDISCLOSED
    nationality = row.get("nationality", "")
    clean["nationality_id"] = _coded(lk["countries"], nationality, errors) if nationality else None
    clean["background"] = _coded(lk["backgrounds"], row.get("background", ""), errors)
    clean["institution_name"] = row.get("institution", "")[:300]
    clean["languages"] = {}
    for item in _split(row.get("languages")):
        lang, sep, level = item.partition(":")
        if not sep or not lang.strip() or not level.strip():
            errors.append(_("language '%(value)s' is not in the form en:C2") % {"value": item})
            continue
        lang_id, level = _coded(lk["languages"], lang, errors), _coded(lk["levels"], level, errors)
        if lang_id is not None and level is not None:
            clean["languages"][lang_id] = level
    for column, key in (("thematic_areas", "themes"), ("topics", "topics")):
        clean[key] = []
        for c in _split(row.get(column)):
            found = _coded(lk[key], c, errors)
            if found is not None and found not in clean[key]:
                clean[key].append(found)
    clean["countries"] = []
    for c in _split(row.get("countries_of_experience")):
        found = _coded(lk["countries"], c, errors)
        if found is not None:
            clean["countries"].append(found)
    status = row.get("status", "")
    clean["status"] = _coded(lk["statuses"], status, errors) if status else ExpertProfile.Status.REGISTERED
    raw = row.get("registered_on", "")
    clean["registered_on"] = _date(raw) if raw else timezone.localdate()
    if clean["registered_on"] is None:
        errors.append(_("registered_on '%(value)s' is not a date (YYYY-MM-DD)") % {"value": raw})
    return errors, clean


SCALAR = ("given_name", "family_name", "gender", "nationality_id", "background", "institution_name", "status",
          "registered_on")


def import_roster(rows: list[dict], *, partial: bool = False, by=None, progress=None) -> dict:
    """Import or update profiles from rows (see the module docstring). Raises ImportFileError for a bad file."""
    _check_columns(rows, ROSTER_COLUMNS)
    report = _report(len(rows))
    lk = _roster_lookups()
    good, seen = [], {}
    for number, row in enumerate(rows, start=2):
        errors, clean = _validate_roster_row(row, lk, seen)
        seen.setdefault(clean["email"], number)
        if errors:
            report["errors"].append({"row": number, "messages": errors})
        else:
            good.append(clean)
    if report["errors"] and not partial:
        return report
    report["skipped"] = len(report["errors"])
    done = 0
    with _search_index_deferred():
        for start in range(0, len(good), BATCH):
            with transaction.atomic():
                _roster_batch(good[start:start + BATCH], report, by, lk)
            done += len(good[start:start + BATCH])
            if progress:
                progress(done + report["skipped"], len(rows))
    report["imported"] = True
    return report


SEARCH_INDEXES = ("experts_profile_search_trgm", "experts_profile_taxonomy_trgm")  # PostgreSQL only (0002, 0006)


@contextlib.contextmanager
def _search_index_deferred():
    """On PostgreSQL, let the trigram index on ``search_text`` collect the whole import in its pending list and merge
    it once at the end, instead of merging every few hundred rows: inserting the profiles' search text into that
    index was the largest part of the import's database time. The session setting is restored afterwards."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW gin_pending_list_limit")
        before = cursor.fetchone()[0]
        cursor.execute("SET gin_pending_list_limit = '1GB'")
    try:
        yield
    finally:
        # Inside a failed outer transaction the SET is rolled back with it, and nothing more may run.
        if not connection.needs_rollback:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('gin_pending_list_limit', %s, false)", [before])
                for index in SEARCH_INDEXES:
                    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [index])
                    if cursor.fetchone()[0]:
                        # Searches right after the import read a compact index, not a long pending list.
                        cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])


def _roster_batch(batch, report, by, lk):
    fields = list(SCALAR) + ["id", "email", "biography", "cv_text", "references"]
    existing = {p.email: p for p in ExpertProfile.objects.filter(email__text_in=[c["email"] for c in batch])
                .order_by().only(*fields)}
    ids = [p.pk for p in existing.values()]
    current = _current_lists(ids)
    now = timezone.now()
    consent = _("Imported from the facility's roster.")  # translated once per batch, not once per row
    to_create, to_update = [], []

    for clean in batch:
        profile = existing.get(clean["email"])
        if profile is None:
            profile = ExpertProfile(email=clean["email"], consent_purpose=consent,
                                    reconfirmed_at=now, **{k: clean[k] for k in SCALAR})
            # The same search columns as the services build: the expert's own words, and taxonomy tokens.
            profile.search_text = profile.build_search_text()
            profile.taxonomy_text = profile.build_taxonomy_text(*_taxonomy_ids(clean))
            to_create.append((profile, clean))
            continue
        pid = profile.pk
        same = all(getattr(profile, k) == clean[k] for k in SCALAR) and (
            current["languages"].get(pid, {}) == clean["languages"]
            and current["themes"].get(pid, set()) == {t.id for t in clean["themes"]}
            and current["topics"].get(pid, set()) == {t.id for t in clean["topics"]}
            and current["countries"].get(pid, set()) == set(clean["countries"]))
        if same:
            report["unchanged"] += 1
            continue
        for k in SCALAR:
            setattr(profile, k, clean[k])
        # Rebuilt from the updated fields and what the expert wrote themselves (biography, CV text, references).
        profile.search_text = profile.build_search_text()
        profile.taxonomy_text = profile.build_taxonomy_text(*_taxonomy_ids(clean))
        to_update.append((profile, clean))
    _create_profiles([p for p, _c in to_create])
    if to_create and to_create[0][0].pk is None:  # databases without RETURNING: read the ids back
        ids = dict(ExpertProfile.objects.filter(email__in=[p.email for p, _c in to_create]).values_list("email", "id"))
        for p, _c in to_create:
            p.pk = p.id = ids[p.email]
    ExpertProfile.objects.bulk_update([p for p, _c in to_update], list(SCALAR) + ["search_text", "taxonomy_text"],
                                     batch_size=1000)
    changed = to_create + to_update
    ids = [p.pk for p, _c in to_update]
    through = {"themes": ExpertProfile.themes.through, "topics": ExpertProfile.topics.through,
               "countries": ExpertProfile.countries_experience.through}
    if ids:
        ExpertLanguage.objects.filter(profile_id__id_in=ids).delete()
        for model in through.values():
            model.objects.filter(expertprofile_id__id_in=ids).delete()
    _insert_rows(ExpertLanguage, ("profile_id", "language_id", "level"),
                 [(p.pk, lang_id, v) for p, c in changed for lang_id, v in c["languages"].items()])
    _insert_rows(through["themes"], ("expertprofile_id", "thematicarea_id"),
                 [(p.pk, t.id) for p, c in changed for t in c["themes"]])
    _insert_rows(through["topics"], ("expertprofile_id", "topic_id"),
                 [(p.pk, t.id) for p, c in changed for t in c["topics"]])
    _insert_rows(through["countries"], ("expertprofile_id", "country_id"),
                 [(p.pk, cid) for p, c in changed for cid in set(c["countries"])])
    _audit_bulk([p for p, _c in to_create], "create", by)
    _audit_bulk([p for p, _c in to_update], "update", by)
    report["created"] += len(to_create)
    report["updated"] += len(to_update)


def _taxonomy_ids(clean) -> tuple[list[int], list[int]]:
    return [t.id for t in clean["themes"]], [t.id for t in clean["topics"]]


def _copy_rows(db, model, columns, rows):
    """PostgreSQL: stream ``rows`` (tuples of plain values, in ``columns`` order) into ``model``'s table with COPY,
    one command instead of SQL text built and parsed per batch. ``rows`` must be built beforehand: nothing else can
    run on the connection during the COPY."""
    qn = db.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with db.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _create_profiles(profiles):
    """Insert new profiles. On PostgreSQL: ids drawn from the table's sequence, then one COPY of plain values;
    compiling 100,000 model instances into INSERT statements was the largest part of the import's Python time.
    Elsewhere: ``bulk_create``."""
    if not profiles:
        return
    db = connections[router.db_for_write(ExpertProfile)]
    if db.vendor != "postgresql":
        ExpertProfile.objects.bulk_create(profiles, batch_size=1000)
        return
    opts = ExpertProfile._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    now = timezone.now()
    with db.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                       [opts.db_table, opts.pk.column, len(profiles)])
        ids = [row[0] for row in cursor.fetchall()]
    rows = []
    for profile, pk in zip(profiles, ids, strict=True):
        profile.pk = pk
        profile._state.adding, profile._state.db = False, db.alias
        for f in fields:
            if getattr(f, "auto_now", False):
                setattr(profile, f.attname, now)
        rows.append((pk, *(_copy_value(getattr(profile, f.attname)) for f in fields)))
    _copy_rows(db, ExpertProfile, [opts.pk.column, *(f.column for f in fields)], rows)


def _copy_value(value):
    """A model attribute as COPY takes it: choices as their value, a file as its name, lazy text as text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, FieldFile):
        return value.name or ""
    if isinstance(value, Promise):
        return str(value)
    return value


def _insert_rows(model, columns, rows, chunk=2000):
    """Plain rows into a link table (no defaults, no signals): multi-row INSERTs built from tuples, without a
    model instance per row (building and preparing those was most of the import's Python time)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor == "postgresql":
        _copy_rows(connection, model, columns, rows)
        return
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    one = f"({', '.join(['%s'] * len(columns))})"
    max_params = connection.features.max_query_params
    if max_params:
        chunk = min(chunk, max_params // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            cursor.execute(head + ", ".join([one] * len(part)), [v for row in part for v in row])


def _current_lists(ids) -> dict:
    """The list fields of existing profiles as plain sets (cheaper than prefetching model instances)."""
    out = {"languages": {}, "themes": {}, "topics": {}, "countries": {}}
    for pid, lid, level in ExpertLanguage.objects.filter(profile_id__id_in=ids).order_by().values_list(
            "profile_id", "language_id", "level"):
        out["languages"].setdefault(pid, {})[lid] = level
    for key, through, column in (("themes", ExpertProfile.themes.through, "thematicarea_id"),
                                 ("topics", ExpertProfile.topics.through, "topic_id"),
                                 ("countries", ExpertProfile.countries_experience.through, "country_id")):
        for pid, value in through.objects.filter(expertprofile_id__id_in=ids).values_list("expertprofile_id", column):
            out[key].setdefault(pid, set()).add(value)
    return out


def _audit_bulk(objs, action, by):
    """One audit row per imported object, through core's bulk writer (same rows and secret rule as ``record``)."""
    audit.record_many(objs, action=action, by=by, note="import", batch_size=2000)


# ---------------------------------------------------------------- deployments


def import_deployments(rows: list[dict], *, partial: bool = False, by=None, progress=None) -> dict:
    """Import historical deployments (see the module docstring). Overlaps are warnings, never refusals."""
    _check_columns(rows, DEPLOYMENT_COLUMNS)
    report = _report(len(rows))
    emails = {r.get("expert_email", "").lower() for r in rows}
    profiles = {p.email: p for p in ExpertProfile.objects.filter(email__text_in=emails).only("id", "email")}
    actions = {a.code: a for a in Action.objects.filter(code__in={r.get("action_code", "") for r in rows})}
    types = vocabulary.reference(ActivityType.objects.all(), _("activity type"))
    roles = vocabulary.choices(_("role"), DeploymentRole.choices)
    good, keys = [], {}
    for number, row in enumerate(rows, start=2):
        errors = []
        email = row.get("expert_email", "").lower()
        profile = profiles.get(email)
        if profile is None:
            errors.append(_("no expert with e-mail address '%(value)s' on the roster") % {"value": email})
        action = actions.get(row.get("action_code", ""))
        if action is None:
            errors.append(_("no Action with code '%(value)s'") % {"value": row.get("action_code", "")})
        activity_type = _coded(types, row.get("activity", ""), errors)
        start, end = _date(row.get("start_date")), _date(row.get("end_date"))
        if start is None:
            errors.append(_("start_date '%(value)s' is not a date (YYYY-MM-DD)") % {"value": row.get("start_date", "")})
        if end is None:
            errors.append(_("end_date '%(value)s' is not a date (YYYY-MM-DD)") % {"value": row.get("end_date", "")})
        if start and end and end < start:
            errors.append(_("end_date is before start_date"))
        role = _coded(roles, row.get("role", ""), errors) if row.get("role", "") else DeploymentRole.EXPERT
        if errors:
            report["errors"].append({"row": number, "messages": errors})
            continue
        key = (profile.pk, action.pk, activity_type.pk, start, end)
        if key in keys:
            report["warnings"].append({"row": number, "messages": [_("same deployment as row %(row)s; counted once") % {
                "row": keys[key]}]})
            continue
        keys[key] = number
        good.append({"row": number, "profile": profile, "action": action, "type": activity_type, "start": start,
                     "end": end, "role": role})
    if report["errors"] and not partial:
        return report
    report["skipped"] = len(report["errors"])
    _overlap_warnings(good, report)
    activities = {}
    touched = set()
    for start_at in range(0, len(good), BATCH):
        batch = good[start_at:start_at + BATCH]
        with transaction.atomic():
            for item in batch:
                akey = (item["action"].pk, item["type"].pk, item["start"], item["end"])
                if akey not in activities:
                    activities[akey], _created = activity_get_or_create_for_import(
                        action=item["action"], type=item["type"], start_date=item["start"], end_date=item["end"], by=by)
                item["activity"] = activities[akey]
            existing = set(Deployment.objects.filter(
                profile_id__in={i["profile"].pk for i in batch}, activity_id__in={i["activity"].pk for i in batch})
                .values_list("profile_id", "activity_id", "start_date", "end_date"))
            new = []
            for item in batch:
                if (item["profile"].pk, item["activity"].pk, item["start"], item["end"]) in existing:
                    report["unchanged"] += 1
                    continue
                status = "completed" if item["end"] < timezone.localdate() else "confirmed"
                new.append(Deployment(profile_id=item["profile"].pk, activity=item["activity"], role=item["role"],
                                      start_date=item["start"], end_date=item["end"], status=status, imported=True,
                                      days=(item["end"] - item["start"]).days + 1))
                touched.add(item["profile"].pk)
            Deployment.objects.bulk_create(new, batch_size=1000)
            if new and new[0].pk is None:
                new = list(Deployment.objects.filter(imported=True, profile_id__in={d.profile_id for d in new}).filter(
                    activity_id__in={d.activity_id for d in new}))
            _audit_bulk(new, "create", by)
            report["created"] += len(new)
        if progress:
            progress(min(start_at + BATCH, len(good)) + report["skipped"], len(rows))
    _refresh_last_deployed(touched)
    report["imported"] = True
    return report


def _overlap_warnings(good, report):
    """History is what it was: overlapping deployments are reported, not refused."""
    by_profile: dict[int, list] = {}
    for item in good:
        by_profile.setdefault(item["profile"].pk, []).append(item)
    existing = {}
    for pid, start, end in Deployment.objects.filter(profile_id__in=list(by_profile)).exclude(status="cancelled").values_list(
            "profile_id", "start_date", "end_date").iterator(chunk_size=5000):
        existing.setdefault(pid, []).append((start, end))
    for pid, items in by_profile.items():
        items.sort(key=lambda i: i["start"])
        for a, b in zip(items, items[1:], strict=False):
            if b["start"] <= a["end"]:
                report["warnings"].append({"row": b["row"], "messages": [
                    _("overlaps the deployment on row %(row)s for the same expert") % {"row": a["row"]}]})
        for item in items:
            for start, end in existing.get(pid, ()):
                if start <= item["end"] and end >= item["start"] and not (start == item["start"] and end == item["end"]):
                    report["warnings"].append({"row": item["row"], "messages": [
                        _("overlaps a deployment already recorded for this expert")]})
                    break


def _refresh_last_deployed(profile_ids):
    ids = list(profile_ids)
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        last = dict(Deployment.objects.filter(profile_id__in=chunk).exclude(status="cancelled").values("profile_id")
                    .annotate(m=Max("start_date")).values_list("profile_id", "m"))
        profiles = list(ExpertProfile.objects.filter(pk__in=chunk).only("id", "last_deployed_on"))
        for p in profiles:
            p.last_deployed_on = last.get(p.pk)
        ExpertProfile.objects.bulk_update(profiles, ["last_deployed_on"], batch_size=1000)


@transaction.atomic
def import_job_create(*, kind: str, upload, partial: bool, by):
    """Store an uploaded CSV/XLSX and queue its import as a background task. Raises NotAllowed, ValidationFailed."""
    ensure(by, "create", ImportJob)
    if kind not in ImportJob.Kind.values:
        raise ValidationFailed(_("Unknown kind of import."), field="kind")
    if upload is None or upload.size == 0:
        raise ValidationFailed(_("Choose a file to import."), field="file")
    if upload.size > settings.PONTIS_MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("The file is too large."), field="file")
    head = upload.read(4096)
    upload.seek(0)
    is_xlsx = head[:2] == b"PK"
    if is_xlsx:
        check_upload(upload, accept=SPREADSHEETS, field="file")  # the one upload rule: archive limits, XLSX only
    else:
        try:
            head.decode("utf-8-sig")
        except UnicodeDecodeError:
            # A multi-byte character cut at 4096 bytes is still text; anything else is refused.
            try:
                head[:-3].decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationFailed(_("The file must be a CSV encoded in UTF-8, or an XLSX workbook."), field="file")
        # NUL bytes are binary; a file opening with "<" is markup (HTML, SVG, XML), never a table of rows.
        if b"\x00" in head or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            raise ValidationFailed(_("The file must be a CSV encoded in UTF-8, or an XLSX workbook."), field="file")
    upload.name = f"{kind}.{'xlsx' if is_xlsx else 'csv'}"
    job = ImportJob.objects.create(kind=kind, file=upload, partial=partial, created_by=by)
    audit.record_create(job, by=by)
    enqueue_import(job)
    return job
