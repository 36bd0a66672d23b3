"""Every actor and periodic task of Ayni, in one list: the API's broker enqueues to the actors, the worker runs
them and the tasks. A domain's jobs live in its own `actors.py`; they join the work here."""

from __future__ import annotations

from ayni.auth import actors as auth
from ayni.companies import actors as companies
from ayni.jobs import actors as jobs
from ayni.jobs.catalog import Catalog
from ayni.sales import actors as sales
from ayni.sales import retention

CATALOG = Catalog(
    actors=(
        jobs.PING,
        auth.SEND_EMAIL,
        companies.SEND_INVITATION,
        companies.DELETE_COMPANY,
        sales.ANALYZE_IMPORT,
        sales.RUN_IMPORT,
        sales.REVERT_IMPORT,
        sales.FILL_DEMO_COMPANY,
    ),
    tasks=(jobs.SWEEP_OUTBOX, jobs.PURGE_FINISHED_JOBS, auth.PURGE_EXPIRED_CREDENTIALS, retention.PURGE_UPLOADED_FILES),
)
