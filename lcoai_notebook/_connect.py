"""``connect()``: the one place that picks the live service or the offline emulator."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

from ._config import ENV_FLAVOR, ENV_OFFLINE, check_flavor, env_flag, resolve_token

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
