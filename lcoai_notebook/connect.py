"""``connect()``: the one place that picks the live service or the offline emulator."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from ._config import ENV_FLAVOR, ENV_OFFLINE, FLAVORS, env_flag, token_from_env

__all__ = ["connect"]

BANNER = "lcoai-notebook: no API token found - using the offline emulator; responses are simulated."
BANNER_FORCED = (
    "lcoai-notebook: offline mode (LCOAI_OFFLINE) - using the offline emulator; "
    "responses are simulated."
)

# One emulator per flavor for the life of the process: clients made by later connect() calls
# share its state (uploaded files, fine-tuned models), as they would share a real account.
_EMULATORS: dict[str, Any] = {}
_lock = threading.Lock()


def _emulator(flavor: str) -> Any:
    with _lock:
        emu = _EMULATORS.get(flavor)
        if emu is None:
            from .emulator import Emulator

            emu = Emulator(flavor=flavor)
            _EMULATORS[flavor] = emu
        return emu


def _ask_token(flavor: str) -> str | None:
    """The token typed into a password field, or None when left empty."""
    import getpass

    what = "LowCodeAPI token (at_...)" if flavor == "lowcodeapi" else "OpenAI API key"
    typed = getpass.getpass(f"{what}, or leave empty to use the offline emulator: ")
    return typed.strip() or None


def connect(
    api_token: str | None = None,
    *,
    flavor: str | None = None,
    base_url: str | None = None,
    offline: bool | None = None,
    prompt: bool = False,
    **client_kwargs: Any,
) -> Any:
    """A ready client: live when a token is available, otherwise the in-process emulator.

    Parameters
    ----------
    api_token : str, optional
        The token; defaults to ``LCOAI_API_TOKEN`` (and ``OPENAI_API_KEY`` for the openai flavor).
    flavor : {"lowcodeapi", "openai"}, optional
        Defaults to ``LCOAI_FLAVOR`` or ``"lowcodeapi"``.
    base_url : str, optional
        For the live client. With ``flavor="openai"`` a base URL alone means live, so a local
        OpenAI-compatible server that needs no key is reached directly.
    offline : bool, optional
        ``True`` forces the emulator, ``False`` forces the live client; by default the emulator is
        used when no token is found or ``LCOAI_OFFLINE=1``.
    prompt : bool, default False
        When no token is found, ask for one in a password field (``getpass``: in Jupyter a
        masked input box); it is kept in this client's memory only, never echoed or saved.
        Leaving the field empty uses the offline emulator.
    **client_kwargs
        Passed to :class:`~lcoai_notebook.Client` (``timeout``, ``max_retries``, ...).

    Returns
    -------
    Client

    Examples
    --------
    >>> client = connect()  # doctest: +SKIP
    lcoai-notebook: no API token found - using the offline emulator; responses are simulated.
    """
    if flavor is None:
        flavor = os.environ.get(ENV_FLAVOR, "").strip() or "lowcodeapi"
    if flavor not in FLAVORS:
        raise ValueError(f"flavor must be one of {', '.join(map(repr, FLAVORS))}; got {flavor!r}")
    if offline is not None and not isinstance(offline, bool):
        raise TypeError(f"offline must be True, False or None; got {type(offline).__name__}")
    if api_token is not None and not isinstance(api_token, str):
        raise TypeError(f"api_token must be a str or None; got {type(api_token).__name__}")

    token = (api_token or "").strip() or token_from_env()
    if token is None and flavor == "openai":
        token = os.environ.get("OPENAI_API_KEY", "").strip() or None
    forced = env_flag(ENV_OFFLINE) if offline is None else offline
    # An OpenAI-compatible server named explicitly (a local model server) may need no key.
    keyless_server = flavor == "openai" and base_url is not None
    if prompt and token is None and not forced and not keyless_server:
        token = _ask_token(flavor)
    use_offline = forced or (offline is None and token is None and not keyless_server)

    if not use_offline:
        from ._client import Client

        return Client(api_token=token, base_url=base_url, flavor=flavor, **client_kwargs)

    emu = _emulator(flavor)
    if client_kwargs.get("http_client") is None:
        # The in-process httpx client is made for this Client alone: let it close it.
        client_kwargs.setdefault("owns_http_client", True)
    client = emu.client(**client_kwargs)
    print(BANNER_FORCED if token is not None or forced else BANNER, file=sys.stderr)
    return client
