"""Demo meetings from the seed documents (loader ``events``, order 50): the Minsk panel meeting of December 2016
with its real agenda, and MIEUX's 2018 Regional Knowledge-Sharing Round-tables and EU Neighbourhood consultation.

Idempotent: a meeting is looked up by its short name (slug) and left alone if it exists.
"""

from __future__ import annotations

import datetime

from pontis.core.models import Country, Language, Region, ThematicArea

from .models import Meeting
from .services import contribution_create, meeting_create, session_create

D = datetime.date

MINSK_SUMMARY = """Migration strategies were the focus of the Panel meeting held in Minsk on 7-8 December 2016. Participants from the EU and Eastern Partnership countries discussed why it is important for a country, or even for a whole region, to have a migration strategy, how to organise its drafting effectively and how to remove obstacles to its adoption and implementation.

The meeting, jointly organised by Belarus and Lithuania with support from the European Commission and the Mission of the International Organization for Migration in Ukraine, began with welcome speeches by Mr Nikolay Melchenko, Deputy Minister of Internal Affairs of Belarus, Ms Andrea Wiktorin, Head of the EU Delegation in Belarus, Mr Andrius Pulokas, Lithuanian Ambassador in Belarus, and Ms Argentina Szabados, IOM Regional Director.

In Session I the speakers reflected on the role of a national strategic document on migration (Belarus) and on the EU instruments that set strategic priorities for its Member States, such as the GAMM, the European Agenda on Migration and the Common Agenda for Migration and Mobility (European Commission). ICMPD explained, from its experience under MIEUX, how to start developing a migration strategy and what should be considered and ensured in the process. The Foundation for Access to Rights (Bulgaria) stressed the importance of a bottom-up approach that engages the target groups, migrants and refugees. IOM Ukraine presented an overview of national approaches to strategy-making in selected EU and Eastern Partnership countries.

In the next two sessions participants heard how Hungary, Armenia, Georgia, Lithuania, Ukraine, Moldova and Azerbaijan drafted, implemented, monitored and revised their migration strategies, while Belarus shared its experience of implementing its border control policy. "Europeans throughout the World" spoke on involving the diaspora when devising a national migration strategy, the Institute of Public Affairs (Poland) on involving civil society in drafting, and Denmark on the need for new durable solutions against human smuggling and trafficking.

After the thematic sessions, IOM Ukraine presented the evaluation of its support function to the Panel in 2012-2016, including the beneficiaries' satisfaction rate and recommendations for the Panel's future."""

MINSK_NOTES = """Draft work programme of the Panel for 2017, presented by the European Commission; the participating countries were invited to host one of the four meetings:
(i) border and migration management in emergency situations;
(ii) return, readmission and reintegration;
(iii) prevention of facilitation of irregular migration;
(iv) economic integration of migrants.

All presentations and materials are on the Panel website, for logged-in users only."""

# (order, number, day, title, moderator, [(speaker, role and institution, country code, presentation title)])
MINSK_AGENDA = [
    (1, None, D(2016, 12, 7), {"en": "Welcome and opening", "ru": "Приветствие и открытие"}, "", [
        ("Nikolay Melchenko", "Deputy Minister of Internal Affairs of the Republic of Belarus", "BY", ""),
        ("Andrea Wiktorin", "Head of the EU Delegation to the Republic of Belarus", None, ""),
        ("Andrius Pulokas", "Ambassador Extraordinary and Plenipotentiary of the Republic of Lithuania in the Republic of Belarus", "LT", ""),
        ("Argentina Szabados", "IOM Regional Director for South-Eastern Europe, Eastern Europe and Central Asia", None, ""),
    ]),
    (2, 1, D(2016, 12, 7), {"en": "Role of a strategic document in the sphere of migration",
                            "ru": "Роль стратегического документа в сфере миграции"},
     "Mr Robert Rybicki, DG HOME, European Commission", [
        ("Aleksey Begun", "Department of Citizenship and Migration, Ministry of Internal Affairs of the Republic of Belarus", "BY",
         "Importance of Having a National Migration Strategy"),
        ("Robert Rybicki", "DG HOME, European Commission", None, "Overview of the major EU strategic documents on migration"),
        ("Oleg Chirita", "International Centre for Migration Policy Development (ICMPD)", None,
         "Preparing the Ground for the Elaboration of Migration Strategies – What, Who and How?"),
        ("Valeria Ilareva", "Foundation for Access to Rights (FAR)", "BG",
         "Long-term Vision and Practical Insight: a Bottom-up Approach to Strategic Thinking?"),
        ("Laura Scorretti", "Mission of IOM in Ukraine", None,
         "Migration Strategies: Overview of National Approaches to Strategizing in Migration Management in the EU and EaP Countries"),
    ]),
    (3, 2, D(2016, 12, 7), {"en": "Drafting and adoption of the migration strategies",
                            "ru": "Разработка и принятие миграционных стратегий"},
     "Mr Eduard Balandin, Deputy Head of the Division on Migration and Work with Foreigners and Stateless Persons, "
     "Department of Citizenship and Migration, Ministry of Internal Affairs of the Republic of Belarus", [
        ("Dr Raymond C. Xerri", "President, \"Europeans Throughout the World\"", None,
         "Inclusion of diaspora issues in national migration strategies"),
        ("Dr Ágnes Töttős", "Department of European Cooperation, Ministry of Interior of Hungary", "HU",
         "Drafting Method and Process of the Hungarian Migration Strategy"),
        ("Anna Piłat", "Institute of Public Affairs", "PL",
         "The Key Elements When Drafting the Migration Strategy: Engaging Civil Society"),
        ("Maria Allahverdyan", "Migration Policy Unit, State Migration Service, Ministry of Territorial Administration and Development", "AM",
         "Republic of Armenia's Draft Concept on State Regulation of Migration for 2017-2021"),
        ("Temur Goginovi", "Secretariat of the State Commission on Migration Issues", "GE",
         "2016-2020 Migration Strategy of Georgia: Strategic Planning and Lessons Learned"),
    ]),
    (4, 3, D(2016, 12, 8), {"en": "Implementation of the migration strategies",
                            "ru": "Реализация миграционных стратегий"},
     "Mr Gintaras Valiulis, Senior Adviser, Public Security and Migration Policy Department, "
     "Ministry of the Interior of the Republic of Lithuania", [
        ("Anders Lisborg", "Danish Center against Human Trafficking", "DK",
         "Human Smuggling and Trafficking in a Migration Management Perspective – the Need for New Durable Solutions"),
        ("Maksim Afanasjev", "Public Security and Migration Policy Department, Ministry of the Interior of the Republic of Lithuania", "LT",
         "Key Aspects of the Monitoring of Implementation of the Migration Concept of the Republic of Lithuania"),
        ("Tetiana Kasian", "Organizational Support Department, State Migration Service of Ukraine", "UA",
         "State Migration Policy Strategy of Ukraine for the Period till 2025"),
        ("Daniela Chiperco", "Legislative, Coordination and Data Management Department, Bureau for Migration and Asylum", "MD",
         "Key Aspects of the National Strategy on Migration and Asylum of the Republic of Moldova: Reporting and Monitoring Procedure"),
        ("Namik Jafarov", "Department on Refugee Status Determination, State Migration Service of the Republic of Azerbaijan", "AZ",
         "Experience of Development and Implementation of the National Migration Strategy (Policy) in the Republic of Azerbaijan"),
        ("Andrey Kuksov", "Legal Department, State Border Guard Committee of the Republic of Belarus", "BY",
         "Implementation of the border control policy of Belarus"),
    ]),
    (5, None, D(2016, 12, 8), {"en": "General Panel business", "ru": "Общие вопросы работы Панели"}, "", [
        ("Robert Rybicki", "DG HOME, European Commission", None, "Draft work programme of the Panel for 2017"),
        ("Yuliya Ryzhykh", "Mission of IOM in Ukraine", None,
         "IOM Ukraine's Support to Work of the EaP Panel on Migration and Asylum: Evaluation Results"),
    ]),
    (6, None, D(2016, 12, 8), {"en": "Summary and closure", "ru": "Подведение итогов и закрытие"}, "", [
        ("Robert Rybicki", "DG HOME, European Commission", None, ""),
        ("Aleksandr Tatura", "Deputy Head, Department of Citizenship and Migration, Ministry of Internal Affairs of the Republic of Belarus", "BY", ""),
        ("Gintaras Valiulis", "Senior Adviser, Public Security and Migration Policy Department, Ministry of the Interior of the Republic of Lithuania", "LT", ""),
    ]),
]

ROUND_TABLE_METHOD = """Two days of plenary and group sessions following the common thread of the 2018 round-tables: an online questionnaire on MIEUX's impact, an introductory discussion on knowledge management, an analysis of regional trends, country-by-country presentations by the focal points, a validation workshop on MIEUX's practices, and an exercise on future priorities at institutional, national and regional levels."""


def _round_table_agenda(first_day, country_presentations):
    second = first_day + datetime.timedelta(days=1)
    return [
        (1, None, first_day, {"en": "Opening and introduction: why knowledge management matters to MIEUX",
                              "fr": "Ouverture et introduction : l'importance de la gestion des connaissances pour MIEUX",
                              "es": "Apertura e introducción: la importancia de la gestión del conocimiento para MIEUX",
                              "pt": "Abertura e introdução: a importância da gestão do conhecimento para o MIEUX",
                              "ru": "Открытие и введение: значение управления знаниями для MIEUX"}, "", []),
        (2, 1, first_day, {"en": "Regional migration trends", "fr": "Tendances migratoires régionales",
                           "es": "Tendencias migratorias regionales", "pt": "Tendências migratórias regionais",
                           "ru": "Региональные миграционные тенденции"}, "", []),
        (3, 2, first_day, {"en": "Country presentations by the MIEUX focal points",
                           "fr": "Présentations par pays des points focaux MIEUX",
                           "es": "Presentaciones por país de los puntos focales de MIEUX",
                           "pt": "Apresentações por país dos pontos focais do MIEUX",
                           "ru": "Страновые презентации координаторов MIEUX"}, "", country_presentations),
        (4, 3, second, {"en": "Validation workshop: MIEUX's practices", "fr": "Atelier de validation : les pratiques de MIEUX",
                        "es": "Taller de validación: las prácticas de MIEUX", "pt": "Seminário de validação: as práticas do MIEUX",
                        "ru": "Семинар по валидации: практики MIEUX"}, "", []),
        (5, 4, second, {"en": "Future priorities at institutional, national and regional levels",
                        "fr": "Priorités futures aux niveaux institutionnel, national et régional",
                        "es": "Prioridades futuras a nivel institucional, nacional y regional",
                        "pt": "Prioridades futuras a nível institucional, nacional e regional",
                        "ru": "Будущие приоритеты на институциональном, национальном и региональном уровнях"}, "", []),
    ]


def _rt_title(place_en, place_fr, place_es, place_pt, place_ru):
    return {
        "en": f"Regional Knowledge-Sharing Round-table – {place_en}",
        "fr": f"Table ronde régionale de partage des connaissances – {place_fr}",
        "es": f"Mesa redonda regional de intercambio de conocimientos – {place_es}",
        "pt": f"Mesa-redonda regional de partilha de conhecimentos – {place_pt}",
        "ru": f"Региональный круглый стол по обмену знаниями – {place_ru}",
    }


MIEUX = "MIEUX (EU-ICMPD initiative), with the MIEUX Regional Coordinator"

# slug, title, start, end, city, country, region, themes, summary, agenda presentations, public
ROUND_TABLES = [
    ("2018-bangkok-knowledge-sharing", _rt_title("Central and South-East Asia (Bangkok)", "Asie centrale et du Sud-Est (Bangkok)",
                                                 "Asia Central y Sudoriental (Bangkok)", "Ásia Central e do Sudeste (Banguecoque)",
                                                 "Центральная и Юго-Восточная Азия (Бангкок)"),
     D(2018, 3, 5), D(2018, 3, 6), "Bangkok", "TH", "asia", ["legal", "irregular_thb"],
     "Central and South-East Asia MIEUX focal points from partner authorities, and selected experts, met to mark MIEUX's "
     "tenth anniversary. Thematic focus: labour migration and trafficking in human beings.",
     [("Delegate of the Lao People's Democratic Republic", "MIEUX focal point", "LA",
       "Inter-agency working groups as a practice: the National Migration Data Working Group")]),
    ("2018-mexico-city-knowledge-sharing", _rt_title("Latin America and the Caribbean (Mexico City)",
                                                     "Amérique latine et Caraïbes (Mexico)", "América Latina y el Caribe (Ciudad de México)",
                                                     "América Latina e Caraíbas (Cidade do México)", "Латинская Америка и Карибский бассейн (Мехико)"),
     D(2018, 7, 23), D(2018, 7, 24), "Mexico City", "MX", "lac", ["protection", "horizontal"],
     "LAC focal points from partner authorities, and selected experts. Thematic focus: protection of vulnerable groups "
     "and (re)integration. The Costa Rican Protocol on Special Migratory Situations presented here led the National "
     "Institute for Migration of Mexico to request a similar instrument.",
     [("Delegate of Peru", "MIEUX focal point", "PE", "A good practice is the result of addressing a problem"),
      ("Delegate of the Dominican Republic", "MIEUX focal point", "DO", "Innovation as the key element of good practice"),
      ("Delegate of Mexico", "MIEUX focal point", "MX", "Mexico's own capacity-building initiatives")]),
    ("2018-nairobi-knowledge-sharing", _rt_title("East, Central and Southern Africa (Nairobi)",
                                                 "Afrique de l'Est, centrale et australe (Nairobi)",
                                                 "África Oriental, Central y Austral (Nairobi)",
                                                 "África Oriental, Central e Austral (Nairobi)",
                                                 "Восточная, Центральная и Южная Африка (Найроби)"),
     D(2018, 9, 5), D(2018, 9, 6), "Nairobi", "KE", "ces_africa", ["horizontal"],
     "East, Central and Southern Africa MIEUX focal points from partner authorities, and selected experts. Thematic focus: "
     "migration data management and regional integration. Participants concluded that solid research on migration trends "
     "and robust migration data are prerequisites for migration policies.",
     [("Delegate of Mauritius", "MIEUX focal point", "MU",
       "The National Migration and Development Policy: an eye opener")]),
    ("2018-cotonou-knowledge-sharing", _rt_title("West Africa (Cotonou)", "Afrique de l'Ouest (Cotonou)", "África Occidental (Cotonú)",
                                                 "África Ocidental (Cotonu)", "Западная Африка (Котону)"),
     D(2018, 10, 2), D(2018, 10, 3), "Cotonou", "BJ", "west_africa", ["horizontal"],
     "West Africa MIEUX focal points from partner authorities. Thematic focus: migration policy development and "
     "capacity building.",
     [("Delegate of Ghana", "MIEUX focal point", "GH", "Ghana's own capacity-building initiatives"),
      ("Delegate of Mali", "MIEUX focal point", "ML", "Mali's own capacity-building initiatives")]),
]


def _country(code):
    return Country.objects.filter(code=code).first() if code else None


def _create(slug, *, agenda, **fields) -> bool:
    if Meeting.objects.filter(slug=slug).exists():
        return False
    meeting = meeting_create(by=None, slug=slug, held=True, **fields)
    for order, number, day, title, moderator, contributions in agenda:
        session = session_create(meeting=meeting, by=None, title=title, day=day, number=number, moderator=moderator, order=order)
        for speaker, role, code, talk in contributions:
            contribution_create(session=session, by=None, speaker_name=speaker, speaker_role=role, country=_country(code),
                                title={"en": talk} if talk else None)
    return True


def load_events(stdout) -> str:
    """Create the demo meetings that do not exist yet; answer a one-line summary."""
    def themes(codes):
        return list(ThematicArea.objects.filter(code__in=codes))

    created = 0
    created += _create(
        "2016-minsk-migration-strategies", agenda=MINSK_AGENDA, kind="panel_meeting",
        title={"en": "Panel Meeting on Migration Strategies", "ru": "Заседание Панели по миграционным стратегиям",
               "fr": "Réunion du Panel sur les stratégies migratoires", "es": "Reunión del Panel sobre estrategias migratorias",
               "pt": "Reunião do Painel sobre estratégias migratórias"},
        summary={"en": MINSK_SUMMARY}, notes={"en": MINSK_NOTES},
        start_date=D(2016, 12, 7), end_date=D(2016, 12, 8), city="Minsk", country=_country("BY"),
        region=Region.objects.filter(code="eu_neighbourhood").first(),
        host_countries=[_country("BY"), _country("LT")],
        organisers="Belarus and Lithuania (Eastern Partnership Panel on Migration and Asylum), with support from the "
                   "European Commission and the Mission of the International Organization for Migration in Ukraine",
        languages=list(Language.objects.filter(code__in=["en", "ru"])), themes=themes(["horizontal", "irregular_thb"]),
        is_public=True,
    )
    english = list(Language.objects.filter(code__in=["en"]))
    for slug, title, start, end, city, code, region, theme_codes, summary, talks in ROUND_TABLES:
        languages = english + list(Language.objects.filter(code__in={"MX": ["es"], "BJ": ["fr"]}.get(code, [])))
        created += _create(
            slug, agenda=_round_table_agenda(start, talks), kind="round_table", title=title,
            summary={"en": summary + "\n\n" + ROUND_TABLE_METHOD}, start_date=start, end_date=end, city=city,
            country=_country(code), region=Region.objects.filter(code=region).first(), host_countries=[_country(code)],
            organisers=MIEUX, languages=languages, themes=themes(theme_codes), is_public=True,
        )
    created += _create(
        "2018-eu-neighbourhood-online-consultation", agenda=[], kind="online_consultation",
        title={"en": "EU Neighbourhood online consultation", "fr": "Consultation en ligne – Voisinage de l'UE",
               "es": "Consulta en línea – Vecindad de la UE", "pt": "Consulta em linha – Vizinhança da UE",
               "ru": "Онлайн-консультация – страны соседства ЕС"},
        summary={"en": "Held online in mid-November 2018 with focal points from the Eastern EU Neighbourhood, instead of a "
                       "face-to-face round-table, given constraints of language and timeline. No thematic focus."},
        start_date=D(2018, 11, 12), end_date=D(2018, 11, 16), region=Region.objects.filter(code="eu_neighbourhood").first(),
        organisers=MIEUX, languages=list(Language.objects.filter(code__in=["en", "ru"])), is_public=False,
    )
    return f"{created} meetings created ({Meeting.objects.count()} in all)"
