"""Demo meetings from the seed documents (loader ``events``, order 50): the Minsk panel meeting of December 2016
with its real agenda, and MIEUX's 2018 Regional Knowledge-Sharing Round-tables and EU Neighbourhood consultation.

Idempotent: a meeting is looked up by its short name (slug) and left alone if it exists. The Minsk meeting is then
completed (``complete_minsk``): the Eastern Partnership Panel with its member countries and delegates, session times,
discussion, summaries, the draft 2017 work programme with host offers, published minutes, members-only presentations,
registrations and attendance; each part only when missing.
"""

from __future__ import annotations

import datetime
import secrets

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.text import slugify

from pontis.core import audit
from pontis.core.i18n import translate
from pontis.core.models import Country, Language, Region, ThematicArea
from pontis.core.selectors import eu_member_codes_on

from .models import Attendance, Contribution, Meeting, Minutes, Panel, Registration
from .services import (
    contribution_create,
    delegate_add,
    host_offer_confirm,
    host_offer_create,
    host_offer_decline,
    material_create,
    meeting_create,
    meeting_update,
    minutes_publish,
    minutes_save,
    note_create,
    panel_create,
    panel_member_add,
    programme_create,
    session_create,
    session_update,
)

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
    complete_minsk()
    return f"{created} meetings created ({Meeting.objects.count()} in all)"


# ---------------------------------------------------------------- the Eastern Partnership Panel and the Minsk meeting

PANEL_SLUG = "eap-panel-migration-asylum"
MINSK_SLUG = "2016-minsk-migration-strategies"
EAP_COUNTRIES = ["AM", "AZ", "BY", "GE", "MD", "UA"]
PANEL_NAME = {"en": "Eastern Partnership Panel on Migration and Asylum",
              "fr": "Panel du Partenariat oriental sur la migration et l'asile",
              "es": "Panel de la Asociación Oriental sobre Migración y Asilo",
              "pt": "Painel da Parceria Oriental sobre Migração e Asilo",
              "ru": "Панель Восточного партнёрства по миграции и убежищу"}
PANEL_DESCRIPTION = (
    "A standing forum of the EU Member States and the six Eastern Partnership countries (Armenia, Azerbaijan, Belarus, "
    "Georgia, Moldova and Ukraine) to exchange good practices on migration and asylum, chaired by the European "
    "Commission (DG HOME). Member countries host its meetings in turn, following a yearly work programme; the Mission "
    "of the International Organization for Migration in Ukraine provided its support function in 2012-2016.")
# (country, name, institution): people who represented their country at the Minsk meeting (seed report).
PANEL_DELEGATES = [
    ("BY", "Aleksandr Tatura", "Department of Citizenship and Migration, Ministry of Internal Affairs"),
    ("LT", "Gintaras Valiulis", "Public Security and Migration Policy Department, Ministry of the Interior"),
    ("AM", "Maria Allahverdyan", "State Migration Service, Ministry of Territorial Administration and Development"),
    ("AZ", "Namik Jafarov", "State Migration Service"),
    ("GE", "Temur Goginovi", "Secretariat of the State Commission on Migration Issues"),
    ("MD", "Daniela Chiperco", "Bureau for Migration and Asylum"),
    ("UA", "Tetiana Kasian", "State Migration Service of Ukraine"),
    ("HU", "Ágnes Töttős", "Department of European Cooperation, Ministry of Interior"),
]

# Session times are not in the report: the usual panel timetable, for the calendar (illustrative).
T = datetime.time
MINSK_TIMES = {1: (T(9, 30), T(10, 15)), 2: (T(10, 15), T(13, 0)), 3: (T(14, 30), T(17, 30)),
               4: (T(9, 30), T(13, 0)), 5: (T(14, 30), T(15, 45)), 6: (T(15, 45), T(16, 30))}
MINSK_KINDS = {1: "opening", 2: "session", 3: "session", 4: "session", 5: "business", 6: "closing"}

# Per-session summaries, from the seed report.
MINSK_SESSION_SUMMARIES = {
    1: "The Deputy Minister of Internal Affairs of Belarus announced that the Ministry plans to start developing a "
       "national migration strategy in 2017 and expected the meeting to bring international experience to that work. "
       "The Head of the EU Delegation recalled that migration was a priority of EU-Belarus cooperation in 2016, when "
       "the Mobility Partnership was signed, and that co-hosting by two neighbours strengthens cross-border "
       "cooperation. The Lithuanian Ambassador confirmed that the Eastern Partnership remains an absolute priority for "
       "Lithuania. The IOM Regional Director called for being prepared and proactive rather than reactive, balancing "
       "national security with the protection of individuals.",
    2: "Belarus described its migration situation and its plan to develop a national migration policy concept from "
       "2017 on the basis of the Extended Migration Profile 2014-2016. The European Commission presented the EU's "
       "strategic documents (GAMM, European Agenda on Migration). ICMPD explained, from MIEUX's experience, why "
       "strategies may not work as planned and how the public policy cycle applies. The Foundation for Access to Rights "
       "argued for a bottom-up approach that engages migrants and refugees. IOM Ukraine presented a discussion paper "
       "comparing the strategies of eleven countries.",
    3: "\"Europeans Throughout the World\" showed how diaspora issues belong in national migration strategies. Hungary "
       "shared the drafting method of its new migration strategy, the Institute of Public Affairs (Poland) the ways and "
       "challenges of engaging civil society, Armenia its draft concept on the state regulation of migration for "
       "2017-2021, and Georgia the drafting of its 2016-2020 strategy and the lessons learned.",
    4: "Denmark called for new durable solutions against human smuggling and trafficking in the migration crisis. "
       "Lithuania presented how it monitors the implementation of its migration concept, Ukraine its strategy until "
       "2025, Moldova the reporting and monitoring of its national strategy on migration and asylum, Azerbaijan the "
       "results of its migration programme (State Migration Service, one-stop shop, online visas, asylum system, "
       "readmission), and Belarus the implementation of its border control policy and the law \"On the State Border\".",
    5: "The European Commission presented the draft work programme of the Panel for 2017 and invited the countries to "
       "host one of its four meetings. IOM Ukraine presented the evaluation of its support function to the Panel in "
       "2012-2016, conducted in July-August 2016: impact (the exchange and promotion of good practices between the "
       "Eastern Partnership countries and the EU Member States), efficiency and effectiveness of the support services, "
       "and relevance and user-friendliness of the Panel's website, with the beneficiaries' satisfaction rate and "
       "recommendations for the Panel's future. The report gives the rate and the recommendations only in the "
       "presentation \"IOM Ukraine's Support to Work of the EaP Panel on Migration and Asylum: Evaluation Results\".",
    6: "The European Commission stressed the need for flexibility in implementing migration strategies and welcomed "
       "the discussion of new ideas such as \"safe cities\" and of civil society's engagement. Belarus praised the "
       "well-balanced agenda; Lithuania noted the many similarities between countries' strategies despite their "
       "different geopolitical situations.",
}

# (session order, asked by country, asked by, question, answered by, answer): the discussions of the seed report.
MINSK_DISCUSSION = [
    (2, None, "ICMPD", "ICMPD recalled the Extended Migration Profile of Belarus (2010) and the Migration Profile Light "
     "(2015, Prague Process) and offered its expertise for the Extended Migration Profile 2014-2016.", "", ""),
    (2, "BY", "Belarus", "How were civil society and the general public consulted when the strategies were drafted?",
     "European Commission; FAR; ICMPD; Europeans Throughout the World",
     "Consult NGOs that serve migrants directly, other practitioners, diaspora organisations and trade unions, and give "
     "the public adequate and precise migration statistics."),
    (2, "AZ", "Azerbaijan", "Azerbaijan will update its largely implemented migration programme in line with the EU's "
     "approach: what capacities does the Commission have to support countries in revising their strategies?",
     "European Commission",
     "National migration policy is each country's responsibility; the Commission provides tools, information and "
     "forums such as the Panel, and can identify experts if a country asks for assistance."),
    (3, "BY", "Belarus", "How were civil society and the general public consulted in drafting the strategies?",
     "Georgia; Helsinki Foundation for Human Rights (Poland); Europeans Throughout the World; IOM Ukraine",
     "Georgia engaged organisations experienced in migration, academia and students of Tbilisi University; over 50% "
     "of their comments were taken into account. Poland involved organisations with offices on the ground and "
     "research institutes. NGOs must be identified and consulted; public involvement also informs the public."),
    (3, "BY", "Belarus", "Should a diaspora strategy be incorporated in the migration strategy?",
     "Europeans Throughout the World; ICMPD; Latvia",
     "Merging them or implementing them in parallel brings the best results; it depends on whether the strategy has a "
     "development component; for Latvia the objective remains the return of its nationals."),
    (3, "BY", "Belarus", "How long should a strategy be valid, and may it be open-dated?",
     "Georgia; European Commission; ICMPD",
     "Georgia chose 2020 to match its planning cycle; timeframes often follow the political cycle; strategies should "
     "be coherent with other policies, with a long-term vision and short-term objectives."),
    (4, "AM", "Armenia", "What are the EU and its Member States doing to disrupt migrant smuggling networks in "
     "Sub-Saharan Africa and the Mediterranean?", "Denmark",
     "The EU's anti-smuggling experts identified more than 12,000 people involved in smuggling; the EU funds "
     "initiatives in Africa and operations in the Mediterranean; national police receive more resources."),
    (4, "UA", "IOM Ukraine", "What capacities do national law-enforcement authorities have to investigate and "
     "prosecute smugglers operating across borders?", "Denmark; European Commission",
     "International cooperation remains a challenge, helped by joint investigation teams and Interpol; the new "
     "European Border and Coast Guard Agency brings a large budget and new capacities."),
    (4, "BY", "Belarus", "Does a country need a separate migration strategy, or may a body of policy and legal "
     "documents define its national vision?", "European Commission",
     "There is no single requirement: each country decides according to its legal and administrative culture."),
    (4, "BY", "Belarus", "Will Azerbaijan's new migration programme change significantly, and will the number of "
     "authorities responsible (22) change?", "Azerbaijan",
     "The new programme covers 2016-2025; the 2004 Concept remains unchanged; new objectives concern information "
     "technology, relations with the EU, readmission and the eradication of statelessness."),
]

PROGRAMME_2017 = [
    {"en": "Border and migration management in emergency situations",
     "ru": "Управление границами и миграцией в чрезвычайных ситуациях"},
    {"en": "Return, readmission and reintegration", "ru": "Возвращение, реадмиссия и реинтеграция"},
    {"en": "Prevention of facilitation of irregular migration", "ru": "Предотвращение содействия незаконной миграции"},
    {"en": "Economic integration of migrants", "ru": "Экономическая интеграция мигрантов"},
]
ILLUSTRATIVE = "Illustrative demo data: the Minsk report does not name the 2017 hosts."
# (topic order, country, decision): the report names no host; these offers are illustrative.
HOST_OFFERS_2017 = [
    (1, "GE", "confirm"), (1, "PL", "confirm"), (2, "MD", "confirm"), (3, "UA", "offer"), (3, "LT", "decline"),
    (4, "AM", "offer"),
]

MINSK_MINUTES_BODY = """7 December 2016 - Day 1

The meeting opened with welcome speeches by Mr Nikolay Melchenko (Deputy Minister of Internal Affairs of Belarus), Ms Andrea Wiktorin (Head of the EU Delegation to Belarus), Mr Andrius Pulokas (Ambassador of Lithuania in Belarus) and Ms Argentina Szabados (IOM Regional Director). Session I, moderated by Mr Robert Rybicki (DG HOME), considered the role of a strategic document in the sphere of migration; Session II, moderated by Mr Eduard Balandin (Ministry of Internal Affairs of Belarus), the drafting and adoption of migration strategies.

8 December 2016 - Day 2

Session III, moderated by Mr Gintaras Valiulis (Ministry of the Interior of Lithuania), considered the implementation of migration strategies. Under general Panel business the European Commission presented the draft work programme for 2017 and IOM Ukraine the evaluation of its support function to the Panel in 2012-2016.

All the presentations mentioned in this report and the other materials of the meeting are available to logged-in users only."""

# (name, gender, institution, country): participants named in the report; attendance per day is illustrative.
MINSK_PARTICIPANTS = [
    ("Nikolay Melchenko", "man", "Ministry of Internal Affairs", "BY"),
    ("Aleksey Begun", "man", "Ministry of Internal Affairs", "BY"),
    ("Eduard Balandin", "man", "Ministry of Internal Affairs", "BY"),
    ("Aleksandr Tatura", "man", "Ministry of Internal Affairs", "BY"),
    ("Andrey Kuksov", "man", "State Border Guard Committee", "BY"),
    ("Andrius Pulokas", "man", "Embassy of Lithuania in Belarus", "LT"),
    ("Gintaras Valiulis", "man", "Ministry of the Interior", "LT"),
    ("Maksim Afanasjev", "man", "Ministry of the Interior", "LT"),
    ("Ágnes Töttős", "woman", "Ministry of Interior", "HU"),
    ("Anna Piłat", "woman", "Institute of Public Affairs", "PL"),
    ("Marta Szczepanik", "woman", "Helsinki Foundation for Human Rights", "PL"),
    ("Valeria Ilareva", "woman", "Foundation for Access to Rights", "BG"),
    ("Anders Lisborg", "man", "Danish Center against Human Trafficking", "DK"),
    ("Maria Allahverdyan", "woman", "State Migration Service", "AM"),
    ("Temur Goginovi", "man", "State Commission on Migration Issues", "GE"),
    ("Tetiana Kasian", "woman", "State Migration Service of Ukraine", "UA"),
    ("Daniela Chiperco", "woman", "Bureau for Migration and Asylum", "MD"),
    ("Namik Jafarov", "man", "State Migration Service", "AZ"),
    ("Laura Scorretti", "woman", "Mission of IOM in Ukraine", "UA"),
    ("Yuliya Ryzhykh", "woman", "Mission of IOM in Ukraine", "UA"),
]
# Who was not there on a day (illustrative): the opening officials left after Day 1, two speakers came for Day 2.
MINSK_ABSENT = {D(2016, 12, 7): {"Anders Lisborg", "Tetiana Kasian"},
                D(2016, 12, 8): {"Nikolay Melchenko", "Andrius Pulokas"}}


def _tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF whose page shows ``title`` (ASCII only), built in memory."""
    text = title.encode("ascii", "replace").decode("ascii").replace("\\", "").replace("(", "[").replace(")", "]")[:90]
    stream = f"BT /F1 12 Tf 40 800 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _minsk_panel() -> Panel:
    panel = Panel.objects.filter(slug=PANEL_SLUG).first()
    if panel is None:
        panel = panel_create(by=None, slug=PANEL_SLUG, name=PANEL_NAME, description={"en": PANEL_DESCRIPTION},
                             region=Region.objects.filter(code="eu_neighbourhood").first(), access="public")
    members = sorted(eu_member_codes_on(D(2016, 12, 7)) | set(EAP_COUNTRIES))
    have = set(panel.members.values_list("country__code", flat=True))
    for country in Country.objects.filter(code__in=[c for c in members if c not in have]):
        panel_member_add(panel=panel, country=country, by=None)
    if not panel.delegates.exists():
        for code, name, institution in PANEL_DELEGATES:
            delegate_add(panel=panel, by=None, country=_country(code), name=name, institution=institution)
    return panel


def _minsk_agenda_details(minsk: Meeting) -> None:
    for session in minsk.sessions.order_by("order"):
        changes = {}
        if not session.starts_at and session.order in MINSK_TIMES:
            changes["starts_at"], changes["ends_at"] = MINSK_TIMES[session.order]
        if session.kind != MINSK_KINDS.get(session.order, session.kind):
            changes["kind"] = MINSK_KINDS[session.order]
        if not session.summary and session.order in MINSK_SESSION_SUMMARIES:
            changes["summary"] = {"en": MINSK_SESSION_SUMMARIES[session.order]}
        if changes:
            session_update(session=session, by=None, **changes)
        if not session.discussion.exists():
            for order, code, asked_by, question, answered_by, answer in MINSK_DISCUSSION:
                if order == session.order:
                    note_create(session=session, by=None, question=question, asked_by=asked_by, country=_country(code),
                                answered_by=answered_by, answer=answer)


def _minsk_programme(panel: Panel, minsk: Meeting) -> None:
    programme = panel.work_programmes.filter(year=2017).first()
    if programme is None:
        programme = programme_create(panel=panel, by=None, year=2017, topics=PROGRAMME_2017, presented_at=minsk,
                                     notes={"en": "Draft presented by the European Commission at the Minsk meeting of "
                                                  "7-8 December 2016; the countries were invited to host one meeting each."})
    topics = {t.order: t for t in programme.topics.all()}
    for order, code, decision in HOST_OFFERS_2017:
        topic, country = topics.get(order), _country(code)
        if topic is None or country is None or topic.host_offers.filter(country=country).exists():
            continue
        offer = host_offer_create(topic=topic, country=country, by=None, note=ILLUSTRATIVE)
        if decision == "confirm":
            host_offer_confirm(offer=offer, by=None)
        elif decision == "decline":
            host_offer_decline(offer=offer, by=None)


def _minsk_minutes(minsk: Meeting) -> None:
    minutes = Minutes.objects.filter(meeting=minsk).first()
    if minutes is None:
        minutes = minutes_save(meeting=minsk, by=None, executive_summary={"en": MINSK_SUMMARY},
                               body={"en": MINSK_MINUTES_BODY})
    if minutes.status != Minutes.Status.PUBLISHED:
        minutes_publish(minutes=minutes, by=None)


def _minsk_materials(minsk: Meeting) -> None:
    if minsk.materials.exists():
        return
    contributions = (Contribution.objects.filter(session__meeting=minsk).exclude(title={})
                     .select_related("session").order_by("session__order", "order"))
    for contribution in contributions:
        title = str(translate(contribution.title))
        upload = SimpleUploadedFile(f"{slugify(title)[:60] or 'presentation'}.pdf", _tiny_pdf(title),
                                    content_type="application/pdf")
        material_create(meeting=minsk, title={"en": title}, upload=upload, by=None, session=contribution.session,
                        contribution=contribution, kind="presentation", access="members")


def _minsk_participants(minsk: Meeting) -> None:
    """Registrations and attendance of the two days. The registration service takes registrations for planned
    meetings only; this meeting was held in 2016, so the demo records them as the service would have left them
    (approved, with a personal link token), each with its audit row."""
    if minsk.registrations.exists():
        return
    decided = timezone.make_aware(datetime.datetime(2016, 11, 25, 12, 0))
    for name, gender, institution, code in MINSK_PARTICIPANTS:
        email = slugify(name).replace("-", ".") + "@participants.example"
        registration = Registration.objects.create(
            meeting=minsk, name=name, email=email, gender=gender, institution_name=institution, country=_country(code),
            position="Delegate", language="en", status=Registration.Status.APPROVED, token=secrets.token_urlsafe(32),
            requested_at=decided - datetime.timedelta(days=10), decided_at=decided)
        audit.record_create(registration, by=None, note="demo: participant of a past meeting")
        for day in (D(2016, 12, 7), D(2016, 12, 8)):
            if name not in MINSK_ABSENT[day]:
                attendance = Attendance.objects.create(
                    registration=registration, day=day, method=Attendance.Method.STAFF,
                    checked_in_at=timezone.make_aware(datetime.datetime.combine(day, T(9, 0))))
                audit.record_create(attendance, by=None)


def complete_minsk() -> None:
    """Make the Minsk meeting complete (panel, times, discussion, summaries, programme, host offers, minutes,
    presentations, participants); each part is added only when missing, so a second run changes nothing."""
    minsk = Meeting.objects.filter(slug=MINSK_SLUG).first()
    if minsk is None:
        return
    panel = _minsk_panel()
    if minsk.panel_id is None or minsk.time_zone != "Europe/Minsk":
        meeting_update(meeting=minsk, by=None, panel=panel, time_zone="Europe/Minsk")
        minsk.refresh_from_db()
    _minsk_agenda_details(minsk)
    _minsk_programme(panel, minsk)
    _minsk_minutes(minsk)
    _minsk_materials(minsk)
    _minsk_participants(minsk)
