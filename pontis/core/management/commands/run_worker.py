"""The task worker of Pontis: django-tasks' db_worker plus the periodic tasks.

A background thread calls periodic_enqueue_due() every ``--every`` seconds (the claim in PeriodicTaskRun makes this
safe with several workers); the main thread runs ``db_worker``, which executes what is queued.

The worker lowers its own CPU priority (``--nice``, 10 by default): on a host it shares with the web processes, a
long build (the figures' facts, the IATI file) then takes what the pages leave, instead of halving their speed.
"""

import logging
import os
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from pontis.core.periodic import periodic_enqueue_due

logger = logging.getLogger("pontis.worker")


def _periodic_loop(every: float, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            queued = periodic_enqueue_due()
            if queued:
                logger.info("Queued periodic tasks: %s", ", ".join(queued))
        except Exception:
            # A database hiccup must not end the loop; the next tick tries again.
            logger.exception("Queueing the periodic tasks failed")
        finally:
            connection.close()
        stop.wait(every)


def lower_priority(niceness: int) -> int:
    """Run at least at ``niceness`` (clamped to 0..19; a process already lower is left as it is, so calling this
    twice changes nothing more); answers the niceness reached. A system that refuses, or has no ``nice``, leaves
    the priority as it is."""
    if not hasattr(os, "nice"):
        return 0
    current = os.nice(0)
    wanted = max(0, min(19, niceness))
    if wanted <= current:
        return current
    try:
        return os.nice(wanted - current)
    except OSError:
        logger.warning("The worker's priority could not be lowered")
        return current


class Command(BaseCommand):
    help = "Run the background worker: queue due periodic tasks every minute and execute queued tasks (db_worker)."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=60, help="Seconds between two periodic checks (default 60).")
        parser.add_argument("--batch", action="store_true",
                            help="Queue the due periodic tasks once, run everything queued, then exit.")
        parser.add_argument("--queue-name", default="default", help="Queues to process, comma-separated (db_worker).")
        parser.add_argument("--interval", type=float, default=1, help="Seconds between two polls for tasks (db_worker).")
        parser.add_argument("--max-tasks", type=int, default=None, help="Exit after this many tasks (db_worker).")
        parser.add_argument("--nice", type=int, default=10,
                            help="Run the worker at least at this niceness (0 to 19; default 10) so that web "
                                 "processes on the same host come first; 0 leaves it as started.")

    def handle(self, *args, every, batch, queue_name, interval, max_tasks, nice, **options):
        lower_priority(nice)
        worker_options = {"queue_name": queue_name, "interval": interval, "reload": False,
                          "verbosity": options["verbosity"]}
        if max_tasks:
            worker_options["max_tasks"] = max_tasks
        if batch:
            queued = periodic_enqueue_due()
            self.stdout.write(f"run_worker: {len(queued)} periodic task(s) queued.")
            call_command("db_worker", batch=True, **worker_options)
            return
        stop = threading.Event()
        thread = threading.Thread(target=_periodic_loop, args=(every, stop), name="periodic", daemon=True)
        thread.start()
        self.stdout.write(f"run_worker: periodic tasks checked every {every:g}s; running db_worker.")
        try:
            call_command("db_worker", **worker_options)
        finally:
            stop.set()
