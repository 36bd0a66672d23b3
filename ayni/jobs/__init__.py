"""The job machinery, Dramatiq on Redis; it imports no domain (`ayni/actors.py` hands it every job).

catalog (how actors and periodic tasks are declared), broker, worker, loop (the worker's event loop and
database pool), tracking (a job row per message, kept by middleware), heartbeat (worker liveness and its health
check), scheduler (one run per period across workers), queue (enqueueing through the outbox), isolated and child
(a job in a process of its own), store (SQL), states (the job state machine, pure), redaction (what of an error a
job keeps); routes and schemas (`/api/v1/jobs`); actors (ping, the outbox sweep, the purge of finished jobs)."""
