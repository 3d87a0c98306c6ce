"""The API layer: one module per category, each exposing one class built as ``Cls(requester)``.

Resources hold the requester, never the client, so there is no import circle; ``_client``
composes them. Modules are imported by ``_client`` directly (``from .api.chat import Chat``), so
importing this package costs nothing.
"""
