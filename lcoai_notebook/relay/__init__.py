"""The workshop relay: one real token on the host's server, a seat code and a budget per learner.

The host runs :class:`Relay` (or ``lcoai-notebook relay``) with the token in the environment;
learners connect with ``lco.connect(relay="http://host:8787", seat="seat_...")`` — or any
OpenAI client, with ``base_url="http://host:8787/v1"`` and the seat code as the API key. The relay
speaks the plain OpenAI wire to learners and the configured flavor upstream, forwards only the
routes the package uses, reserves each request's worst case against the seat's and the workshop's
budget before sending it, and keeps seats and the ledger in SQLite. See notebook 08.

Nothing in the client imports this package.
"""

from __future__ import annotations

from ._server import Relay

__all__ = ["Relay"]
