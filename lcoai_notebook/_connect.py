"""``connect()``: the one place that picks the live service or the offline emulator."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from ._config import (
    ENV_FLAVOR,
    ENV_OFFLINE,
    ENV_RELAY_URL,
    ENV_SEAT,
    check_flavor,
    env_flag,
    resolve_token,
)

if TYPE_CHECKING:  # imported lazily at run time (import cost)
    from ._client import Client

__all__ = ["connect"]

#: Printed on stdout, not stderr: Jupyter shows stderr in a pink box that reads as an error, and
#: this is not one. One text whatever the reason (no token, LCOAI_OFFLINE=1, offline=True), so a
#: notebook's committed outputs are the same however the machine was told to stay offline.
OFFLINE_NOTICE = (
    "lcoai-notebook: offline — answers come from the built-in emulator and are simulated. "
    "To go live, set LCOAI_API_TOKEN=at_... (and unset LCOAI_OFFLINE) before starting Jupyter."
)

# Once per process: panels and embed() call connect() again later, and a second notice would
# only repeat the first. Tests reset it with monkeypatch.
_notice_shown = False

# One emulator per flavor for the life of the process: clients made by later connect() calls
# share its state (uploaded files, fine-tuned models), as they would share a real account.
_EMULATORS: dict[str, Any] = {}
_lock = threading.Lock()


def _announce_offline() -> None:
    """Print the offline notice the first time only."""
    global _notice_shown
    with _lock:
        if _notice_shown:
            return
        _notice_shown = True
    print(OFFLINE_NOTICE, flush=True)


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


def _relay_url(relay: Any, offline: bool | None) -> str | None:
    """The relay to use: the argument, else ``LCOAI_RELAY_URL`` unless the session is offline."""
    if relay is None:
        if offline or (offline is None and env_flag(ENV_OFFLINE)):
            return None
        relay = os.environ.get(ENV_RELAY_URL, "").strip() or None
        if relay is None:
            return None
    elif offline:
        raise ValueError("pass relay= or offline=True, not both")
    if not isinstance(relay, str) or not relay.startswith(("http://", "https://")):
        raise ValueError(f"relay must be the relay's http:// or https:// address, as the workshop "
                         f"host gave it; got {relay!r}")
    return relay


def _relay_base(relay: str) -> str:
    base = relay.rstrip("/")
    return base if base.endswith("/v1") else base + "/v1"


def _seat_code(seat: Any, prompt: bool) -> str:
    if seat is None:
        seat = os.environ.get(ENV_SEAT, "").strip() or None
    if seat is None and prompt:
        import getpass

        seat = getpass.getpass("Your seat code (from the workshop host): ").strip() or None
    if seat is None:
        raise ValueError(f"seat is required with relay=: pass seat='seat_...' (the code your "
                         f"workshop host gave you) or set {ENV_SEAT}")
    if not isinstance(seat, str) or not seat.strip():
        raise TypeError(f"seat must be the seat code as a string; got {type(seat).__name__}")
    return seat.strip()


def connect(
    api_token: str | None = None,
    *,
    flavor: str | None = None,
    base_url: str | None = None,
    offline: bool | None = None,
    prompt: bool = False,
    budget_usd: float | None = None,
    budget_tokens: int | None = None,
    record: str | os.PathLike[str] | None = None,
    replay: str | os.PathLike[str] | None = None,
    strict: bool = False,
    relay: str | None = None,
    seat: str | None = None,
    **client_kwargs: Any,
) -> Client:
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
        used when no token is found or ``LCOAI_OFFLINE=1``. Going offline prints a one-line
        notice on stdout, once per process.
    prompt : bool, default False
        When no token is found, ask for one in a password field (``getpass``: in Jupyter a
        masked input box); it is kept in this client's memory only, never echoed or saved.
        Leaving the field empty uses the offline emulator.
    budget_usd, budget_tokens : optional
        The client's budget guard (see :class:`~lcoai_notebook.Client`): a request whose worst
        case could pass it raises :class:`~lcoai_notebook.BudgetExceededError` unsent.
        ``client.spend`` keeps the ledger; offline its figures are labelled simulated.
    record : path, optional
        Record the live session's requests and responses to this JSON-lines file (appended),
        every form of the token removed. Needs a live client.
    replay : path, optional
        Answer from a recording made with ``record=``; no token is needed. Requests not in it
        fall through to the emulator with a one-line notice (``strict=True`` raises
        ``CassetteMissError`` instead). The flavor defaults to the recording's.
    strict : bool, default False
        With ``replay=``: refuse requests that are not in the recording.
    relay : str, optional
        A workshop relay's address (``"http://host:8787"``), as the workshop host gave it;
        defaults to ``LCOAI_RELAY_URL``. The client then speaks the OpenAI wire to the relay, which
        holds the real token and this seat's budget.
    seat : str, optional
        The seat code for ``relay``; defaults to ``LCOAI_SEAT`` (``prompt=True`` asks for it).
    **client_kwargs
        Passed to :class:`~lcoai_notebook.Client` (``timeout``, ``max_retries``, ...).

    Returns
    -------
    Client

    Examples
    --------
    >>> client = connect()  # doctest: +SKIP
    lcoai-notebook: offline — answers come from the built-in emulator and are simulated. ...
    """
    flavor_arg = flavor
    if flavor is None:
        flavor = os.environ.get(ENV_FLAVOR, "").strip() or "lowcodeapi"
    check_flavor(flavor)
    if offline is not None and not isinstance(offline, bool):
        raise TypeError(f"offline must be True, False or None; got {type(offline).__name__}")
    if api_token is not None and not isinstance(api_token, str):
        raise TypeError(f"api_token must be a str or None; got {type(api_token).__name__}")

    client_kwargs.update(budget_usd=budget_usd, budget_tokens=budget_tokens)
    if record is not None and replay is not None:
        raise ValueError("pass record= or replay=, not both")
    if replay is not None:
        from ._cassette import replay_client

        explicit = None if flavor_arg is None else flavor
        return replay_client(replay, _emulator, explicit, strict, client_kwargs)

    relay = _relay_url(relay, offline)
    if relay is not None:
        if flavor_arg not in (None, "openai"):
            raise ValueError("a workshop relay speaks the OpenAI wire: leave flavor unset (or "
                             f"'openai') with relay=; got flavor={flavor_arg!r}")
        if base_url is not None or api_token is not None:
            raise ValueError("pass relay= and seat=, not base_url= or api_token=: the relay "
                             "holds the real token")
        flavor, base_url, api_token = "openai", _relay_base(relay), _seat_code(seat, prompt)
        offline = False

    token = resolve_token(api_token, flavor)
    forced = env_flag(ENV_OFFLINE) if offline is None else offline
    # An OpenAI-compatible server named explicitly (a local model server) may need no key.
    keyless_server = flavor == "openai" and base_url is not None
    if prompt and token is None and not forced and not keyless_server:
        token = _ask_token(flavor)
    use_offline = forced or (offline is None and token is None and not keyless_server)

    if not use_offline:
        from ._client import Client

        if record is not None:
            from ._cassette import recording_client

            return recording_client(record, Client, dict(client_kwargs, api_token=token,
                                                         base_url=base_url, flavor=flavor))
        return Client(api_token=token, base_url=base_url, flavor=flavor, **client_kwargs)

    emu = _emulator(flavor)
    if client_kwargs.get("http_client") is None:
        # The in-process httpx client is made for this Client alone: let it close it.
        client_kwargs.setdefault("owns_http_client", True)
    if record is not None:
        raise ValueError("record= records a live session, but this one is offline (no token, "
                         "or LCOAI_OFFLINE / offline=True): set a token first")
    client = emu.client(**client_kwargs)
    client.spend.simulated = True  # the ledger's figures are what this would have cost live
    _announce_offline()
    return client
