"""Every actor of Ayni, in one list: the worker consumes them, the API enqueues to them."""

from __future__ import annotations

from ayni.jobs.actors import ActorSpec


def actor_specs() -> list[ActorSpec]:
    from ayni.jobs.ping import PING

    specs = [PING]
    try:
        from ayni.auth.emails import SEND_EMAIL
    except ImportError:  # pragma: no cover - the accounts package lands separately
        return specs
    return [*specs, SEND_EMAIL]
