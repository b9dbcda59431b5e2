"""`python manage.py worker`: django-tasks-db's db_worker (same options), made to survive its
own death and database outages (platform/worker.py). Run it under a supervisor (README)."""

from django_tasks_db.management.commands import db_worker

from ...worker import ResilientWorker


class Command(db_worker.Command):
    help = "Run tasks from the database queue; abandoned tasks are taken up again, outages waited out."

    def handle(self, *args, **options):
        # db_worker.Command builds its Worker by this module-level name (django-tasks-db 0.13.0)
        db_worker.Worker = ResilientWorker
        return super().handle(*args, **options)
