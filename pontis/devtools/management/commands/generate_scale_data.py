"""``manage.py generate_scale_data``: add a facility far larger than the real one to the database, for load tests.

    .venv/bin/python manage.py load_demo                      # first, so the demo accounts can sign in
    .venv/bin/python manage.py generate_scale_data            # 100,000 experts, 20,000 Actions, ... (a few minutes)
    .venv/bin/python manage.py generate_scale_data --experts 1000 --deployments 3000 --seed 7

It adds to what the database holds, never replaces it: every run takes the next run number (``scale-r<N>-...`` in
generated e-mail addresses) and the next free Action codes, so running it twice collides with nothing. Seeded:
the same database state, seed and sizes give the same data. Refused in the production profile. The rows are
written directly with bulk inserts, not through the services (see ``pontis.devtools.scale.registry``).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pontis.accounts.models import User
from pontis.devtools.scale import Context, registered_steps
from pontis.devtools.scale.steps import vacuum
from pontis.experts.models import ExpertProfile


def next_run() -> int:
    """One more than the last run whose generated people or experts are in the database."""
    run = 1
    while (User.objects.filter(email__startswith=f"scale-r{run}-").exists()
           or ExpertProfile.objects.filter(email__startswith=f"scale-r{run}-").exists()):
        run += 1
    return run


class Command(BaseCommand):
    help = "Add stress-size data (experts, institutions, Actions, activities, deployments, requests) to the database."

    def add_arguments(self, parser):
        for step in registered_steps():
            parser.add_argument(f"--{step.name}", type=int, default=step.default, metavar="N",
                                help=f"number of {step.help} (default {step.default:,})")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument("--no-vacuum", action="store_true", help="skip VACUUM ANALYZE at the end (PostgreSQL)")

    def handle(self, *args, seed, no_vacuum, **options):
        if settings.PRODUCTION:
            raise CommandError("generate_scale_data refuses to run in the production profile (PONTIS_ENV=production): "
                               "it fills the database with invented people and Actions.")
        sizes = {step.name: options[step.name] for step in registered_steps()}
        negative = [name for name, n in sizes.items() if n < 0]
        if negative:
            raise CommandError(f"Sizes cannot be negative: {', '.join(negative)}.")
        ctx = Context(seed=seed, run=next_run())
        self.stdout.write(f"Run {ctx.run} (seed {seed}).")
        started = time.perf_counter()
        try:
            with transaction.atomic():  # all or nothing: a failed step leaves no half-made facility behind
                for step in registered_steps():
                    t = time.perf_counter()
                    summary = step.func(ctx, sizes[step.name])
                    self.stdout.write(f"  {step.name}: {summary} in {time.perf_counter() - t:.1f} s")
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if not no_vacuum:
            vacuum()
        self.stdout.write(self.style.SUCCESS(f"Done in {time.perf_counter() - started:.1f} s."))
