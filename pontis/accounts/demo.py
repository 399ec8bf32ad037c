"""The foundation's demo data: one person per role and the institutions named in the seed documents.

Registered as demo loader ``foundation`` (order 10) by ``AccountsConfig.ready()``; run by ``manage.py load_demo``.
(It lived in core until core stopped importing accounts; the name and order are unchanged.)
Idempotent: people are looked up by e-mail, institutions by (acronym, country code); nothing that exists is
changed. Every write goes through the accounts services, so each new row has its audit entry ("system").
"""

from __future__ import annotations

from pontis.core.models import AuthorityType, Country

from .models import Institution, Role, User
from .services import institution_create, membership_add, role_grant, user_create

DEMO_PASSWORD = "Pontis-demo-2026"

# (acronym, country code or None, authority type code, name in its own language(s) and in English).
# Official names first in the institution's own language; the English version is what the seeds use.
INSTITUTIONS: list[tuple[str, str | None, str, dict]] = [
    # Peru (case study: guidelines against trafficking; the demo focal point's institution)
    ("MININTER", "PE", "national_government",
     {"es": "Ministerio del Interior del Perú", "en": "Ministry of the Interior of Peru",
      "fr": "Ministère de l'Intérieur du Pérou", "pt": "Ministério do Interior do Peru", "ru": "Министерство внутренних дел Перу"}),
    ("MIGRACIONES", "PE", "national_government",
     {"es": "Superintendencia Nacional de Migraciones", "en": "National Superintendence of Migration"}),
    ("RREE", "PE", "national_government",
     {"es": "Ministerio de Relaciones Exteriores del Perú", "en": "Ministry of Foreign Affairs of Peru"}),
    # Costa Rica
    ("DGME", "CR", "national_government",
     {"es": "Dirección General de Migración y Extranjería", "en": "Directorate General of Migration and Foreigners"}),
    # Thailand
    ("MSDHS", "TH", "national_government",
     {"th": "กระทรวงการพัฒนาสังคมและความมั่นคงของมนุษย์", "en": "Ministry of Social Development and Human Security"}),
    # Philippines (English is an official language of the Philippine administration)
    ("POEA", "PH", "national_government", {"en": "Philippine Overseas Employment Administration"}),
    ("DOLE", "PH", "national_government", {"en": "Department of Labor and Employment"}),
    # Cabo Verde: the national directorates and the municipalities that drafted the first MAPII
    ("DGI", "CV", "national_government",
     {"pt": "Direção-Geral de Imigração", "en": "Directorate General for Immigration"}),
    ("DEF", "CV", "national_government",
     {"pt": "Direção de Estrangeiros e Fronteiras", "en": "Directorate of Foreigners and Borders"}),
    ("CMP", "CV", "local_authority", {"pt": "Câmara Municipal da Praia", "en": "Municipality of Praia"}),
    ("CMS", "CV", "local_authority", {"pt": "Câmara Municipal do Sal", "en": "Municipality of Sal"}),
    ("CMBV", "CV", "local_authority", {"pt": "Câmara Municipal da Boa Vista", "en": "Municipality of Boa Vista"}),
    ("CMSV", "CV", "local_authority", {"pt": "Câmara Municipal de São Vicente", "en": "Municipality of São Vicente"}),
    # Mauritius (the Prime Minister's Office requested the M&D policy; Labour co-led the labour migration work)
    ("MLIRET", "MU", "national_government",
     {"en": "Ministry of Labour, Industrial Relations, Employment and Training",
      "fr": "Ministère du Travail, des Relations industrielles, de l'Emploi et de la Formation"}),
    ("PMO", "MU", "national_government", {"en": "Prime Minister's Office", "fr": "Bureau du Premier ministre"}),
    # Malawi
    ("DAU", "MW", "national_government",
     {"en": "Diaspora Affairs Unit, Ministry of Foreign Affairs and International Cooperation"}),
    # Kenya, Mexico, Jordan, Brazil, Madagascar (further case studies)
    ("DIS", "KE", "national_government", {"en": "Department of Immigration Services", "sw": "Idara ya Huduma za Uhamiaji"}),
    ("INM", "MX", "national_government", {"es": "Instituto Nacional de Migración", "en": "National Institute of Migration"}),
    ("COMAR", "MX", "national_government",
     {"es": "Comisión Mexicana de Ayuda a Refugiados", "en": "Mexican Commission for Refugee Assistance"}),
    ("MoSD", "JO", "national_government", {"ar": "وزارة التنمية الاجتماعية", "en": "Ministry of Social Development"}),
    ("DPU", "BR", "national_government", {"pt": "Defensoria Pública da União", "en": "Federal Public Defender's Office"}),
    ("DAD", "MG", "national_government",
     {"fr": "Direction des Affaires de la Diaspora", "en": "Directorate for Diaspora Affairs"}),
    # Regional organisations: no country
    ("COMESA", None, "regional_organisation",
     {"en": "Common Market for Eastern and Southern Africa", "fr": "Marché commun de l'Afrique orientale et australe",
      "pt": "Mercado Comum da África Oriental e Austral"}),
    ("ECOWAS", None, "regional_organisation",
     {"en": "Economic Community of West African States", "fr": "Communauté économique des États de l'Afrique de l'Ouest",
      "pt": "Comunidade Económica dos Estados da África Ocidental"}),
    # The Minsk panel meeting's hosts
    ("MVD", "BY", "national_government",
     {"ru": "Министерство внутренних дел Республики Беларусь", "en": "Ministry of Internal Affairs of the Republic of Belarus"}),
    ("VRM", "LT", "eu_member_state_authority",
     {"lt": "Lietuvos Respublikos vidaus reikalų ministerija", "en": "Ministry of the Interior of the Republic of Lithuania"}),
    ("MD", "LT", "eu_member_state_authority",
     {"lt": "Migracijos departamentas prie Lietuvos Respublikos vidaus reikalų ministerijos",
      "en": "Migration Department under the Ministry of the Interior of the Republic of Lithuania"}),
    # EU Member State institutions the facility's experts come from
    ("SEF", "PT", "eu_member_state_authority",
     {"pt": "Serviço de Estrangeiros e Fronteiras", "en": "Immigration and Borders Service"}),
    ("CMO", "PT", "eu_member_state_authority", {"pt": "Câmara Municipal de Oeiras", "en": "Municipality of Oeiras"}),
    ("BM", "HU", "eu_member_state_authority", {"hu": "Belügyminisztérium", "en": "Ministry of Interior of Hungary"}),
    ("CMM", "DK", "eu_member_state_authority",
     {"da": "Center mod Menneskehandel", "en": "Danish Centre against Human Trafficking"}),
    ("MEAE", "FR", "eu_member_state_authority",
     {"fr": "Ministère de l'Europe et des Affaires étrangères", "en": "Ministry for Europe and Foreign Affairs"}),
    ("MTSP", "BG", "eu_member_state_authority",
     {"bg": "Министерство на труда и социалната политика", "en": "Ministry of Labour and Social Policy of Bulgaria"}),
    ("IND", "NL", "eu_member_state_authority",
     {"nl": "Immigratie- en Naturalisatiedienst", "en": "Immigration and Naturalisation Service"}),
    # The implementing partner and the donor (facility-level bodies, no country)
    ("ICMPD", None, "international_organisation",
     {"en": "International Centre for Migration Policy Development",
      "fr": "Centre international pour le développement des politiques migratoires"}),
    ("DG INTPA", None, "international_organisation",
     {"en": "European Commission – Directorate-General for International Partnerships",
      "fr": "Commission européenne – Direction générale des partenariats internationaux",
      "es": "Comisión Europea – Dirección General de Asociaciones Internacionales",
      "pt": "Comissão Europeia – Direção-Geral das Parcerias Internacionais",
      "ru": "Европейская комиссия – Генеральный директорат по международному партнёрству"}),
]

# (e-mail, role, institution acronym for the role or membership, given name, family name, position, language)
USERS: list[tuple[str, str, str | None, str, str, str, str]] = [
    ("admin@pontis.example", "admin", "ICMPD", "Katrin", "Hofer", "Facility administrator", "en"),
    ("officer@pontis.example", "officer", "ICMPD", "Claire", "Dubois", "Programme officer, Africa desk", "fr"),
    ("committee@pontis.example", "committee", "DG INTPA", "Pieter", "Van den Broeck",
     "Policy officer, Migration and Forced Displacement", "en"),
    ("focal.point@pontis.example", "focal_point", "MININTER", "Rosa Elena", "Quispe Mamani",
     "Especialista, Dirección General de Seguridad Democrática", "es"),
    ("expert@pontis.example", "expert", "SEF", "João", "Carvalho", "Inspector, integration and return", "pt"),
    ("observer@pontis.example", "observer", "DG INTPA", "Olena", "Kovalenko", "Programme manager (donor)", "ru"),
]

# EU Delegations: (e-mail, country code, given name, family name, position, language). The Delegation's role is
# tied to the partner country it covers; it reads that country's requests and Actions and is consulted at screening.
DELEGATIONS: list[tuple[str, str, str, str, str, str]] = [
    ("delegation@pontis.example", "PE", "Lucía", "Fernández Ortega", "Attachée, EU Delegation to Peru", "es"),
]


def _institution(acronym, country_code, type_code, name):
    country = Country.objects.get(code=country_code) if country_code else None
    existing = Institution.objects.filter(acronym=acronym, country=country).first()
    if existing:
        return existing, False
    institution = institution_create(name=name, acronym=acronym, country=country,
                                     type=AuthorityType.objects.get(code=type_code))
    return institution, True


def demo_institution(acronym: str, country_code: str | None):
    """The demo institution with this natural key (for other apps' loaders); None if the foundation did not load."""
    return Institution.objects.filter(acronym=acronym, country__code=country_code).first() if country_code else \
        Institution.objects.filter(acronym=acronym, country__isnull=True).first()


def load_foundation(stdout) -> str:
    """Create the demo institutions and people (idempotent); answer a one-line summary."""
    by_acronym = {}
    new_institutions = 0
    for acronym, country_code, type_code, name in INSTITUTIONS:
        institution, created = _institution(acronym, country_code, type_code, name)
        by_acronym[acronym] = institution
        new_institutions += created

    new_users = 0
    for email, role, acronym, given, family, position, language in USERS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_create(email=email, password=DEMO_PASSWORD, given_name=given, family_name=family,
                               language=language, position=position)
            new_users += 1
        institution = by_acronym.get(acronym)
        role_grant(user=user, role=role, institution=institution if role == Role.FOCAL_POINT else None)
        if institution is not None:
            membership_add(user=user, institution=institution, position=position)
    for email, country_code, given, family, position, language in DELEGATIONS:
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            user = user_create(email=email, password=DEMO_PASSWORD, given_name=given, family_name=family,
                               language=language, position=position)
            new_users += 1
        role_grant(user=user, role=Role.DELEGATION, country=Country.objects.get(code=country_code))
    return (f"{len(USERS) + len(DELEGATIONS)} demo users ({new_users} new), "
            f"{len(INSTITUTIONS)} institutions ({new_institutions} new)")
