"""Load the shipped reference data (pontis/core/data/reference.yaml) into the database.

Idempotent: codes are the keys, so running it again updates labels and adds what is new, and never
duplicates. Administrators' later edits to labels are overwritten only by ``sync_reference_data --force``.
Called by a data migration (with the historical app registry) and by ``manage.py sync_reference_data``.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pycountry
import yaml
from babel import Locale
from django.apps import apps as django_apps

DATA_FILE = Path(__file__).with_name("data") / "reference.yaml"
UI_LANGS = ("en", "fr", "es", "pt", "ru")


def read_data() -> dict:
    with DATA_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _country_names(alpha2: str, fallback: str) -> dict:
    names = {}
    for lang in UI_LANGS:
        try:
            names[lang] = Locale.parse(lang).territories.get(alpha2) or fallback
        except Exception:  # noqa: BLE001 - babel may lack a territory
            names[lang] = fallback
    return names


def _language_names(code: str) -> dict:
    names = {}
    for lang in UI_LANGS:
        name = Locale.parse(lang).languages.get(code)
        if name:
            names[lang] = name[:1].upper() + name[1:]
    return names


def load_reference_data(apps=None, *, force: bool = True) -> dict:
    """Create or update every reference table; answer counts per table."""
    if apps is None:
        apps = django_apps

    def model(name):
        return apps.get_model("core", name)

    data = read_data()
    counts = {}

    def upsert(model_name, items, key="code", extra=None):
        Model = model(model_name)
        n = 0
        for order, item in enumerate(items):
            defaults = {"name": item["name"], "sort_order": order}
            if extra:
                defaults.update(extra(item))
            lookup = {key: item[key]}
            if key != "code" and "code" in item:
                defaults["code"] = item["code"]
            obj, created = Model.objects.get_or_create(**lookup, defaults=defaults)
            if not created and force:
                for k, v in defaults.items():
                    setattr(obj, k, v)
                obj.save()
            n += 1
        counts[model_name] = n
        return Model

    upsert("Region", data["regions"])
    themes = upsert("ThematicArea", data["thematic_areas"])
    theme_by_code = {t.code: t for t in themes.objects.all()}
    upsert("Topic", data["topics"], extra=lambda it: {"theme": theme_by_code[it["theme"]]})
    upsert("AuthorityType", data["authority_types"], extra=lambda it: {"may_request": bool(it.get("may_request", True))})
    upsert("ActivityType", data["activity_types"])
    upsert("DeliverableType", data["deliverable_types"])
    upsert("SDGTarget", data["sdg_targets"])
    upsert("GCMObjective", [{**it, "code": f"gcm{it['number']}"} for it in data["gcm_objectives"]], key="number")
    upsert("GoodPracticeFeature", data["good_practice_features"], key="number")
    upsert("EvaluationCriterion", data["evaluation_criteria"])
    upsert("CapacityLevel", data["capacity_levels"])

    # Countries: every ISO 3166-1 country, names from babel in the five UI languages.
    Country = model("Country")
    Region = model("Region")
    regions = {r.code: r for r in Region.objects.all()}
    region_of = {c: code for code, codes in data["country_regions"].items() for c in codes}
    graduated = set(data.get("graduated_countries", []))
    name_overrides = data.get("country_names") or {}
    existing = {c.code: c for c in Country.objects.all()}
    new = []
    for entry in pycountry.countries:
        code = entry.alpha_2
        fields = {
            "alpha3": entry.alpha_3,
            "name": {**_country_names(code, getattr(entry, "common_name", None) or entry.name), **name_overrides.get(code, {})},
            "region": regions.get(region_of.get(code)),
            "graduated": code in graduated,
        }
        if code in existing:
            if force:
                obj = existing[code]
                for k, v in fields.items():
                    setattr(obj, k, v)
                obj.save()
        else:
            new.append(Country(code=code, **fields))
    Country.objects.bulk_create(new)
    counts["Country"] = Country.objects.count()
    countries = {c.code: c for c in Country.objects.all()}

    Instrument = model("Instrument")
    for order, item in enumerate(data["instruments"]):
        inst, _ = Instrument.objects.update_or_create(code=item["code"], defaults={"name": item["name"], "sort_order": order})
        inst.countries.set([countries[c] for c in item["countries"] if c in countries])
    counts["Instrument"] = len(data["instruments"])

    EUMembership = model("EUMembership")
    for item in data["eu_membership"]:
        joined = item["from"] if isinstance(item["from"], datetime.date) else datetime.date.fromisoformat(str(item["from"]))
        left = item.get("to")
        if left and not isinstance(left, datetime.date):
            left = datetime.date.fromisoformat(str(left))
        EUMembership.objects.update_or_create(country=countries[item["country"]], joined_on=joined, defaults={"left_on": left})
    counts["EUMembership"] = EUMembership.objects.count()

    Language = model("Language")
    for code in data["languages"]:
        names = _language_names(code) or {"en": code}
        Language.objects.update_or_create(code=code, defaults={"name": names})
    counts["Language"] = Language.objects.count()
    return counts
