"""Every actor of Ayni, in one list: the worker consumes them, the API enqueues to them."""

from __future__ import annotations

from ayni.jobs.catalog import ActorSpec


def actor_specs() -> list[ActorSpec]:
    # Imported here, not at module level: the actor modules import the jobs package themselves.
    from ayni.auth.emails import SEND_EMAIL
    from ayni.jobs.actors import PING

    return [PING, SEND_EMAIL]
