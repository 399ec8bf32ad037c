"""Demo roster: ~675 invented experts spread like the facility's ten-year figures, deployed on the demo Actions.

Deterministic (seeded), idempotent (profiles keyed by e-mail; nothing is created twice) and fast (bulk writes).
Figures followed: 675 registered, 340 deployed (207 men, 133 women); deployed government experts: 176 from 22 EU
member states and 32 from outside the EU; 132 of other backgrounds; 79 deployed experts from outside the EU.
"""

from __future__ import annotations

import datetime
import random

from django.db.models import Max
from django.utils import timezone

from pontis.accounts.models import User
from pontis.actions.models import Activity
from pontis.core.models import Country, Language, ThematicArea, Topic

from .models import (
    Background,
    Deployment,
    Evaluation,
    ExpertLanguage,
    ExpertProfile,
    Invitation,
)
from .services.deployments import default_respond_by

# 22 member states, all members throughout 2009-2026 (Croatia joined in 2013: its experts would count only after).
EU_STATES = ["AT", "BE", "BG", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
             "NL", "PL", "PT", "RO", "ES", "SE", "SK"]
NON_EU = ["MA", "SN", "MX", "CR", "BR", "AR", "GE", "MD", "UA", "JO", "TN", "PH", "CV", "KE", "CO", "AM"]
LANG_OF = {"FR": "fr", "BE": "fr", "ES": "es", "PT": "pt", "DE": "de", "AT": "de", "IT": "it", "NL": "nl", "PL": "pl",
           "RO": "ro", "SE": "sv", "MA": "ar", "SN": "fr", "MX": "es", "CR": "es", "BR": "pt", "AR": "es", "GE": "ka",
           "MD": "ro", "UA": "uk", "JO": "ar", "TN": "ar", "CV": "pt", "CO": "es", "AM": "hy", "GR": "el", "CZ": "cs",
           "HU": "hu", "FI": "fi", "BG": "bg", "HR": "hr", "SK": "sk", "SI": "sl", "LT": "lt", "LV": "lv", "EE": "et",
           "DK": "da", "IE": "en", "PH": "en", "KE": "en"}
# Invented names that fit each nationality (given female, given male, family), so the roster reads plausibly.
NAMES = {
    "AT": (["Anna", "Katharina", "Lena", "Sophie"], ["Lukas", "Florian", "Stefan", "Markus"], ["Gruber", "Huber", "Wagner", "Pichler", "Steiner"]),
    "BE": (["Marie", "Sarah", "Lotte", "Elise"], ["Thomas", "Pieter", "Julien", "Wouter"], ["Peeters", "Janssens", "Dubois", "Lambert", "Claes"]),
    "BG": (["Maria", "Elena", "Desislava", "Ivana"], ["Georgi", "Dimitar", "Nikolay", "Ivan"], ["Petrov", "Georgiev", "Dimitrova", "Ivanova", "Stoyanov"]),
    "HR": (["Ana", "Ivana", "Petra", "Marija"], ["Ivan", "Marko", "Tomislav", "Luka"], ["Horvat", "Kovačević", "Babić", "Marić", "Novak"]),
    "CZ": (["Jana", "Petra", "Lucie", "Tereza"], ["Jan", "Tomáš", "Petr", "Martin"], ["Novák", "Svoboda", "Dvořák", "Černá", "Procházka"]),
    "DK": (["Mette", "Camilla", "Sofie", "Ida"], ["Niels", "Anders", "Rasmus", "Henrik"], ["Jensen", "Nielsen", "Hansen", "Pedersen", "Larsen"]),
    "EE": (["Kadri", "Liis", "Triin", "Maarja"], ["Andres", "Mart", "Tõnu", "Rein"], ["Tamm", "Saar", "Sepp", "Mägi", "Kask"]),
    "FI": (["Anna", "Johanna", "Laura", "Sanna"], ["Mikko", "Juha", "Antti", "Timo"], ["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Lehtonen"]),
    "FR": (["Claire", "Léa", "Camille", "Isabelle"], ["Pierre", "Julien", "Nicolas", "Antoine"], ["Martin", "Bernard", "Moreau", "Lefebvre", "Girard"]),
    "DE": (["Katrin", "Julia", "Sabine", "Miriam"], ["Jan", "Andreas", "Matthias", "Tobias"], ["Müller", "Schmidt", "Schneider", "Fischer", "Weber"]),
    "GR": (["Eleni", "Maria", "Katerina", "Sofia"], ["Giorgos", "Nikos", "Dimitris", "Kostas"], ["Papadopoulos", "Georgiou", "Nikolaidis", "Papadaki", "Ioannou"]),
    "HU": (["Eszter", "Katalin", "Zsófia", "Anna"], ["Gábor", "László", "Péter", "Bence"], ["Nagy", "Kovács", "Tóth", "Szabó", "Horváth"]),
    "IE": (["Siobhán", "Aoife", "Niamh", "Clare"], ["Seán", "Cian", "Declan", "Patrick"], ["Murphy", "Kelly", "O'Brien", "Walsh", "Byrne"]),
    "IT": (["Giulia", "Francesca", "Chiara", "Elena"], ["Marco", "Luca", "Alessandro", "Davide"], ["Rossi", "Bianchi", "Romano", "Colombo", "Ricci"]),
    "LV": (["Ilze", "Inese", "Līga", "Anna"], ["Jānis", "Andris", "Mārtiņš", "Edgars"], ["Bērziņš", "Kalniņa", "Ozols", "Liepa", "Krūmiņš"]),
    "LT": (["Rūta", "Eglė", "Asta", "Ieva"], ["Tomas", "Mindaugas", "Darius", "Andrius"], ["Kazlauskas", "Jankauskienė", "Petrauskas", "Stankevičius", "Vasiliauskas"]),
    "NL": (["Sanne", "Lotte", "Eva", "Anouk"], ["Daan", "Bram", "Jeroen", "Maarten"], ["de Jong", "Jansen", "de Vries", "van Dijk", "Bakker"]),
    "PL": (["Katarzyna", "Agnieszka", "Magdalena", "Anna"], ["Piotr", "Tomasz", "Paweł", "Krzysztof"], ["Kowalski", "Nowak", "Wiśniewska", "Wójcik", "Kamiński"]),
    "PT": (["Joana", "Inês", "Catarina", "Ana"], ["João", "Pedro", "Miguel", "Rui"], ["Silva", "Santos", "Ferreira", "Costa", "Mendes"]),
    "RO": (["Ioana", "Elena", "Andreea", "Maria"], ["Andrei", "Mihai", "Alexandru", "Radu"], ["Popescu", "Ionescu", "Popa", "Stan", "Dumitru"]),
    "SK": (["Zuzana", "Katarína", "Lucia", "Jana"], ["Peter", "Martin", "Juraj", "Michal"], ["Horváth", "Kováč", "Varga", "Tóth", "Baláž"]),
    "SI": (["Maja", "Nina", "Špela", "Petra"], ["Luka", "Matej", "Jure", "Andrej"], ["Novak", "Horvat", "Krajnc", "Zupančič", "Kovač"]),
    "ES": (["Carmen", "Lucía", "Marta", "Elena"], ["Javier", "Carlos", "Pablo", "Sergio"], ["García", "Fernández", "López", "Martínez", "Sánchez"]),
    "SE": (["Ingrid", "Karin", "Emma", "Sara"], ["Erik", "Johan", "Henrik", "Anders"], ["Lindqvist", "Andersson", "Johansson", "Karlsson", "Nilsson"]),
    "MA": (["Fatima", "Nadia", "Salma", "Khadija"], ["Karim", "Youssef", "Mehdi", "Hicham"], ["Benali", "El Idrissi", "Alaoui", "Bennani", "Tazi"]),
    "SN": (["Fatou", "Aminata", "Awa", "Mariama"], ["Moussa", "Cheikh", "Ousmane", "Mamadou"], ["Diop", "Ndiaye", "Sow", "Fall", "Sarr"]),
    "MX": (["Guadalupe", "Mariana", "Fernanda", "Alejandra"], ["José", "Luis", "Alejandro", "Jorge"], ["Hernández", "García", "Ramírez", "Flores", "Ortiz"]),
    "CR": (["María José", "Daniela", "Andrea", "Sofía"], ["Andrés", "Esteban", "Diego", "Mauricio"], ["Rodríguez", "Vargas", "Jiménez", "Mora", "Solano"]),
    "BR": (["Beatriz", "Juliana", "Fernanda", "Camila"], ["Rafael", "Paulo", "Thiago", "Gustavo"], ["Oliveira", "Souza", "Lima", "Pereira", "Carvalho"]),
    "AR": (["Florencia", "Valeria", "Carolina", "Lucía"], ["Martín", "Santiago", "Federico", "Matías"], ["González", "Rodríguez", "Fernández", "Romero", "Castillo"]),
    "GE": (["Nino", "Tamar", "Ketevan", "Mariam"], ["Giorgi", "Levan", "Davit", "Irakli"], ["Beridze", "Kapanadze", "Gelashvili", "Lomidze", "Tsiklauri"]),
    "MD": (["Ana", "Natalia", "Mariana", "Olga"], ["Ion", "Vasile", "Andrei", "Sergiu"], ["Rusu", "Ceban", "Lungu", "Munteanu", "Cojocaru"]),
    "UA": (["Olena", "Iryna", "Kateryna", "Natalia"], ["Oleksandr", "Andriy", "Dmytro", "Serhiy"], ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachenko", "Melnyk"]),
    "JO": (["Rania", "Lina", "Dana", "Hala"], ["Omar", "Khaled", "Ahmad", "Zaid"], ["Haddad", "Al-Khatib", "Masri", "Nasser", "Qasem"]),
    "TN": (["Amira", "Sana", "Leila", "Rim"], ["Mehdi", "Sami", "Anis", "Walid"], ["Ben Salah", "Trabelsi", "Gharbi", "Jebali", "Mansour"]),
    "PH": (["Maria Cristina", "Angelica", "Rowena", "Liza"], ["Jose Miguel", "Ramon", "Paolo", "Mark Anthony"], ["Santos", "Reyes", "Cruz", "Bautista", "Villanueva"]),
    "CV": (["Ana Paula", "Carla", "Sónia", "Edite"], ["Carlos", "Hélio", "Nelson", "Amílcar"], ["Tavares", "Fortes", "Lopes", "Monteiro", "Semedo"]),
    "KE": (["Wanjiku", "Akinyi", "Njeri", "Atieno"], ["Otieno", "Kamau", "Mwangi", "Kiprono"], ["Odhiambo", "Mutua", "Kariuki", "Wafula", "Chebet"]),
    "CO": (["Paola", "Natalia", "Juliana", "Catalina"], ["Camilo", "Felipe", "Andrés", "Julián"], ["Gómez", "Restrepo", "Cárdenas", "Ospina", "Rojas"]),
    "AM": (["Anahit", "Lilit", "Mariam", "Armine"], ["Armen", "Tigran", "Aram", "Gevorg"], ["Petrosyan", "Grigoryan", "Hakobyan", "Sargsyan", "Vardanyan"]),
}
OTHER_BACKGROUNDS = [Background.NGO, Background.ACADEMIA, Background.INTERNATIONAL, Background.INDEPENDENT,
                     Background.PRIVATE]
N_PROFILES = 675
DEMO_DOMAIN = "roster.pontis.example"


def _plan(rng):
    """(background, origin, deployed) for each of the 675 profiles, following the documents' figures."""
    plan = [(Background.GOVERNMENT, "eu", True)] * 176 + [(Background.GOVERNMENT, "non_eu", True)] * 32
    plan += [(None, "non_eu", True)] * 47 + [(None, "eu", True)] * 85
    rest = N_PROFILES - len(plan)
    for i in range(rest):
        plan.append((Background.GOVERNMENT if i % 3 == 0 else None, "non_eu" if i % 4 == 0 else "eu", False))
    return plan


def load_demo_experts(stdout=None):
    rng = random.Random(20260401)
    if ExpertProfile.objects.filter(email__endswith="@" + DEMO_DOMAIN).exists():
        if stdout:
            stdout.write("experts: demo roster already loaded")
        return
    countries = {c.code: c for c in Country.objects.filter(code__in=EU_STATES + NON_EU)}
    eu = [c for c in EU_STATES if c in countries][:22]
    non_eu = [c for c in NON_EU if c in countries]
    langs = {lang.code: lang for lang in Language.objects.all()}
    themes = list(ThematicArea.objects.all())
    topics_by_theme = {}
    for t in Topic.objects.all():
        topics_by_theme.setdefault(t.theme_id, []).append(t)
    plan = _plan(rng)
    deployed_idx = [i for i, p in enumerate(plan) if p[2]]
    female_deployed = set(rng.sample(deployed_idx, 133))
    today = timezone.localdate()
    now = timezone.now()
    profiles, extras = [], []
    for i, (background, origin, deployed) in enumerate(plan):
        if deployed:
            gender = "female" if i in female_deployed else "male"
        else:
            gender = rng.choice(["female", "female", "male", "male", "other", "undisclosed"])
        background = background or rng.choice(OTHER_BACKGROUNDS)
        # The first profile becomes the demo expert account's (a Portuguese official, like the demo user).
        code = "PT" if i == 0 else eu[i % len(eu)] if origin == "eu" else rng.choice(non_eu)
        female_names, male_names, family_names = NAMES[code]
        given = rng.choice(female_names if gender == "female" else male_names if gender == "male" else female_names + male_names)
        family = rng.choice(family_names)
        email = f"expert{i:04d}@{DEMO_DOMAIN}"
        status = "active" if deployed else rng.choice(["active"] * 7 + ["registered", "vetted", "inactive"])
        chosen_themes = rng.sample(themes, rng.choice([1, 1, 2]))
        chosen_topics = [t for th in chosen_themes for t in rng.sample(topics_by_theme.get(th.pk, []),
                                                                         min(3, len(topics_by_theme.get(th.pk, []))))]
        institution = {"government": f"Ministry of Interior ({code})", "academia": "University of " + family,
                       "non_government_organisation": "Migrant Rights Network", "international_organisation": "IOM",
                       "private_sector": "Consultancy " + family, "independent": ""}[background]
        bio = (f"{given} {family} has worked on " + ", ".join(str(t.name.get("en", t.code)) for t in chosen_topics[:2])
               + f" for {rng.randint(5, 25)} years.")
        registered = today - datetime.timedelta(days=rng.randint(30, 3650))
        profile = ExpertProfile(
            email=email, given_name=given, family_name=family, gender=gender, nationality=countries[code],
            background=background, institution_name=institution, years_experience=rng.randint(5, 30), biography=bio,
            status=status, consent_purpose="Demo data", consent_given_at=now, registered_on=registered,
            reconfirmed_at=now - datetime.timedelta(days=rng.randint(0, 500)), email_confirmed_at=now)
        profiles.append(profile)
        native = LANG_OF.get(code, "en")
        lang_rows = {"en": rng.choice(["B2", "C1", "C2"])}
        lang_rows[native] = "native"
        if rng.random() < 0.4:
            lang_rows[rng.choice(["fr", "es", "pt", "ru"])] = rng.choice(["B1", "B2", "C1"])
        extras.append((chosen_themes, chosen_topics, lang_rows, deployed, rng.sample(list(countries.values()), 2)))
    # The demo expert account gets the first profile.
    demo_user = User.objects.filter(email="expert@pontis.example").first()
    if demo_user and not ExpertProfile.objects.filter(user=demo_user).exists():
        first = profiles[0]
        first.user, first.email = demo_user, demo_user.email
        generated = f"{first.given_name} {first.family_name}"
        first.given_name, first.family_name = demo_user.given_name or first.given_name, demo_user.family_name or first.family_name
        first.biography = first.biography.replace(generated, f"{first.given_name} {first.family_name}")
    for p, (chosen_themes, chosen_topics, *_rest) in zip(profiles, extras, strict=True):  # as the services build it
        p.search_text = p.build_search_text()
        p.taxonomy_text = p.build_taxonomy_text([t.pk for t in chosen_themes], [t.pk for t in chosen_topics])
    emails = [p.email for p in profiles]
    ExpertProfile.objects.bulk_create(profiles, batch_size=500)
    by_email = {p.email: p for p in ExpertProfile.objects.filter(email__in=emails)}
    ordered = [by_email[e] for e in emails]
    T = ExpertProfile.themes.through
    P = ExpertProfile.topics.through
    C = ExpertProfile.countries_experience.through
    theme_rows, topic_rows, lang_rows_all, country_rows = [], [], [], []
    for profile, (ths, tps, lrows, _dep, ctry) in zip(ordered, extras, strict=True):
        theme_rows += [T(expertprofile_id=profile.pk, thematicarea_id=t.pk) for t in ths]
        topic_rows += [P(expertprofile_id=profile.pk, topic_id=t.pk) for t in tps]
        country_rows += [C(expertprofile_id=profile.pk, country_id=c.pk) for c in ctry]
        lang_rows_all += [ExpertLanguage(profile_id=profile.pk, language=langs[c], level=lv) for c, lv in lrows.items()
                          if c in langs]
    T.objects.bulk_create(theme_rows)
    P.objects.bulk_create(topic_rows)
    C.objects.bulk_create(country_rows)
    ExpertLanguage.objects.bulk_create(lang_rows_all)
    _deploy_demo(rng, ordered, extras, today, stdout)
    if stdout:
        stdout.write(f"experts: {len(ordered)} profiles")


def _dates(activity):
    start = activity.start_date or activity.action.start_date
    if start is None:
        return None, None
    return start, activity.end_date or start + datetime.timedelta(days=2)


def _deploy_demo(rng, profiles, extras, today, stdout):
    activities = [a for a in Activity.objects.select_related("action").order_by("id") if _dates(a)[0]]
    if not activities:
        if stdout:
            stdout.write("experts: no dated demo activity, no deployment created")
        return
    officer = User.objects.filter(email="officer@pontis.example").first()
    past = [a for a in activities if _dates(a)[1] < today] or activities
    upcoming = [a for a in activities if _dates(a)[0] >= today]
    deployments = []
    for profile, extra in zip(profiles, extras, strict=True):
        if not extra[3]:
            continue
        taken = []
        for activity in rng.sample(past, min(len(past), rng.choice([1, 1, 2, 3]))):
            start, end = _dates(activity)
            if any(s <= end and e >= start for s, e in taken):
                continue
            taken.append((start, end))
            deployments.append(Deployment(profile=profile, activity=activity, role=rng.choice(["lead", "expert", "expert",
                                          "resource_person"]), start_date=start, end_date=end,
                                          days=min((end - start).days + 1, 30),
                                          status="completed" if end < today else "confirmed"))
    Deployment.objects.bulk_create(deployments, batch_size=500, ignore_conflicts=True)
    saved = list(Deployment.objects.filter(profile__in=profiles, status="completed"))
    evaluations = [Evaluation(deployment=d, evaluator=officer, evaluator_kind="staff", expertise=rng.randint(3, 5),
                              communication=rng.randint(3, 5), adaptation=rng.randint(2, 5),
                              comments="Clear, practical and well prepared.") for d in saved if rng.random() < 0.6]
    Evaluation.objects.bulk_create(evaluations, ignore_conflicts=True)
    last = dict(Deployment.objects.filter(profile__in=profiles).values("profile_id").annotate(m=Max("start_date"))
                .values_list("profile_id", "m"))
    for p in profiles:
        p.last_deployed_on = last.get(p.pk)
    ExpertProfile.objects.bulk_update(profiles, ["last_deployed_on"], batch_size=500)
    demo = next((p for p in profiles if p.user_id), None)
    if demo is not None:
        target = (upcoming or activities)[-1]
        start, end = _dates(target)
        if not Invitation.objects.filter(profile=demo, activity=target).exists() and not Deployment.objects.filter(
                profile=demo, activity=target).exists():
            Invitation.objects.create(activity=target, profile=demo, role="expert", start_date=start, end_date=end,
                                      days=min((end - start).days + 1, 30), invited_by=officer,
                                      respond_by=default_respond_by(start),
                                      message="We would value your experience on this activity.")
    if stdout:
        stdout.write(f"experts: {len(deployments)} deployments, {len(evaluations)} evaluations")
