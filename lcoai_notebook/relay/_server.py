"""``Relay``: the relay's public face — settings checked once, the SQLite store, and uvicorn in a
daemon thread (as the emulator's server runs)."""

from __future__ import annotations

import csv
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _pricing
from .._config import DEFAULT_BASE_URLS, check_flavor, resolve_token
from .._logging import install_redaction
from .._serve import ThreadedServer
from .._wire import redact, register_secret
from ._app import DEFAULT_MAX_BODY, RelayApp
from ._store import SeatStore, _owner_only
from ._upstream import Upstream

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Relay"]


def _positive(value: Any, name: str, *, whole: bool = False, allow_zero: bool = False) -> Any:
    ok = not isinstance(value, bool) and isinstance(value, (int, float)) and \
        value == value and value != float("inf") and (value >= 0 if allow_zero else value > 0)
    if ok and whole:
        ok = int(value) == value
    if not ok:
        what = "a positive whole number" if whole else "a positive, finite number"
        raise ValueError(f"{name} must be {what}; got {value!r}")
    return int(value) if whole else float(value)


def _assumed_rows(prices: Mapping[str, Mapping[str, float]] | None) -> dict[str, dict[str, Any]]:
    """Model-table rows for the prices a host assumes (checked: only for unpriced models)."""
    rows: dict[str, dict[str, Any]] = {}
    for model, given in (prices or {}).items():
        if not isinstance(model, str) or not isinstance(given, Mapping):
            raise TypeError("prices must map model ids to {'input': ..., 'output': ..., "
                            f"'max_output_tokens': ...}}; got {model!r}: {given!r}")
        if _pricing.price_per_1m(model) is not None:
            raise ValueError(f"prices: {model!r} is priced in the model table "
                             f"({_pricing.price_per_1m(model)}); assume prices only for models "
                             "it does not price")
        unknown = set(given) - {"input", "output", "cached_input", "max_output_tokens"}
        if unknown or "input" not in given:
            raise ValueError(f"prices[{model!r}] takes input (required), output, cached_input "
                             f"and max_output_tokens; got {sorted(given)}")
        per_1m = {k: _positive(given[k], f"prices[{model!r}][{k!r}]", allow_zero=True)
                  for k in ("input", "output", "cached_input") if given.get(k) is not None}
        row: dict[str, Any] = {"price_per_1m": per_1m}
        if given.get("max_output_tokens") is not None:
            row["max_output_tokens"] = _positive(given["max_output_tokens"],
                                                 f"prices[{model!r}]['max_output_tokens']",
                                                 whole=True)
        rows[model] = row
    return rows


class Relay:
    """A workshop relay: holds the one upstream token, gives each learner a seat code.

    Parameters
    ----------
    upstream : str, optional
        The service's base URL; defaults to LowCodeAPI's (``flavor="lowcodeapi"``) or OpenAI's.
    api_token : str, optional
        The real token; defaults to ``LCOAI_API_TOKEN`` (and ``OPENAI_API_KEY`` for the openai
        flavor). It never leaves this process: not in a response, a header, a log line, the admin
        page or the seat CSV.
    flavor : {"lowcodeapi", "openai"}, default "lowcodeapi"
        How the upstream is spoken to. Learners always speak the plain OpenAI wire.
    seats : int, default 30
        Seats to create (a database that has more keeps them).
    per_seat_usd : float, default 0.50
        Each new seat's budget, US dollars.
    budget_usd : float, default 20.0
        The workshop's total budget, US dollars.
    db : path, default "relay.sqlite"
        The SQLite file (WAL). Reopening it keeps the seats, codes, admin key, spend and pauses.
    host : str, default "127.0.0.1"
        The address to listen on (``"0.0.0.0"`` to serve the room).
    port : int, default 8787
        ``0`` picks a free port.
    per_minute : int, default 60
        Requests a seat may send per minute.
    max_body_bytes : int, default 26 MiB
        The largest request body forwarded.
    public_url : str, optional
        The URL learners use, when it differs from ``http://host:port`` (a proxy, a DNS name).
    prices : dict, optional
        Prices the host assumes for models the model table does not price (the relay refuses a
        model whose cost it cannot bound): ``{"gpt-5.4-mini": {"input": IN, "output": OUT,
        "max_output_tokens": N}}``, USD per million tokens (``cached_input`` optional;
        ``max_output_tokens`` bounds a request that sets no limit of its own).

    Examples
    --------
    >>> relay = Relay(seats=30, per_seat_usd=0.5, budget_usd=20)  # doctest: +SKIP
    >>> relay.start()  # doctest: +SKIP
    >>> relay.url, relay.admin_url  # doctest: +SKIP
    """

    def __init__(self, upstream: str | None = None, api_token: str | None = None, *,
                 flavor: str = "lowcodeapi", seats: int = 30, per_seat_usd: float = 0.50,
                 budget_usd: float = 20.0, db: str | os.PathLike[str] = "relay.sqlite",
                 host: str = "127.0.0.1", port: int = 8787, per_minute: int = 60,
                 max_body_bytes: int = DEFAULT_MAX_BODY, public_url: str | None = None,
                 prices: Mapping[str, Mapping[str, float]] | None = None) -> None:
        check_flavor(flavor)
        seats = _positive(seats, "seats", whole=True)
        per_seat_usd = _positive(per_seat_usd, "per_seat_usd")
        budget_usd = _positive(budget_usd, "budget_usd")
        per_minute = _positive(per_minute, "per_minute", whole=True)
        max_body_bytes = _positive(max_body_bytes, "max_body_bytes", whole=True)
        if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
            raise ValueError(f"port must be a whole number from 0 to 65535; got {port!r}")
        token = resolve_token(api_token, flavor)
        if not token:
            raise ValueError("the relay needs the upstream token: set LCOAI_API_TOKEN in the "
                             "relay's environment (never on its command line)")
        base = (upstream or DEFAULT_BASE_URLS[flavor]).rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ValueError(f"upstream must start with http:// or https://; got {redact(base)!r}")
        register_secret(token)  # every log line and error this process writes is scrubbed
        install_redaction()
        self.flavor = flavor
        self.upstream = base
        self.host = host
        self.requested_port = port
        self.public_url = public_url.rstrip("/") if public_url else None
        self.store = SeatStore(db, seats=seats, per_seat_usd=per_seat_usd, budget_usd=budget_usd)

        def make_upstream() -> Upstream:
            return Upstream(api_token=token, base_url=base, flavor=flavor, max_retries=2)

        self._app = RelayApp(self.store, make_upstream, api_token=token, flavor=flavor,
                             per_minute=per_minute, max_body=max_body_bytes,
                             assumed=_assumed_rows(prices))
        self._serving = ThreadedServer(self._app, host, port, name="lcoai-relay", what="the relay",
                                       lifespan="on",
                                       graceful=5)

    def __repr__(self) -> str:
        state = f"serving {self.url}" if self.running else "stopped"
        return (f"Relay({state}, {len(self.store.seats())} seats, flavor={self.flavor!r}, "
                f"upstream={redact(self.upstream)!r})")

    # -- addresses --------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """The address learners pass to ``lco.connect(relay=...)``."""
        if self.public_url:
            return self.public_url
        host = self.host if ":" not in self.host else f"[{self.host}]"
        port = self.port if self.port is not None else self.requested_port
        return f"http://{host}:{port}"

    @property
    def admin_url(self) -> str:
        """The admin page, its key in the fragment (browsers never send a fragment to a server)."""
        return f"{self.url}/admin#key={self.store.admin_key}"

    @property
    def seat_codes(self) -> dict[str, str]:
        """``{seat name: seat code}``."""
        return self.store.seat_codes()

    def write_codes(self, path: str | os.PathLike[str]) -> Path:
        """Write the seat codes to a CSV for the host (``seat,code,learner_url``)."""
        out = Path(path)
        with out.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["seat", "code", "learner_url"])
            for name, code in self.seat_codes.items():
                writer.writerow([name, code, self.url])
        _owner_only(out)
        return out

    # -- reading ----------------------------------------------------------------------------------
    def spend(self) -> pd.DataFrame:
        """One row per seat: requests, refused, tokens, spent, remaining, budget, paused."""
        import pandas as pd

        frame = pd.DataFrame(self.store.seats())
        if "last_seen" in frame:
            frame["last_seen"] = pd.to_datetime(frame["last_seen"], unit="s", utc=True)
        return frame.set_index("seat")

    def ledger(self) -> pd.DataFrame:
        """Every forwarded request: seat, route, model, state, reserved and charged USD."""
        import pandas as pd

        return pd.DataFrame(self.store.ledger())

    def pause(self, seat: str | None = None) -> None:
        """Pause one seat, or every seat (``seat=None``: the kill switch)."""
        if seat is None:
            self.store.set_paused_all(True)
        else:
            self.store.set_paused(seat, True)

    def resume(self, seat: str | None = None) -> None:
        """Resume one seat, or lift the kill switch (``seat=None``)."""
        if seat is None:
            self.store.set_paused_all(False)
        else:
            self.store.set_paused(seat, False)

    def add_budget(self, seat: str, usd: float) -> None:
        """Add ``usd`` to one seat's budget."""
        self.store.add_budget(seat, _positive(usd, "usd"))

    # -- serving ----------------------------------------------------------------------------------
    @property
    def port(self) -> int | None:
        return self._serving.port

    @property
    def running(self) -> bool:
        return self._serving.running

    def start(self, timeout: float = 10.0) -> Relay:
        """Start serving in a background thread; returns the relay."""
        if not self.running:
            self._serving.start(timeout)
            logging.getLogger("lcoai_notebook.relay").info("relay serving %s", self.url)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving; in-flight requests get a few seconds to finish (and settle)."""
        self._serving.stop(timeout)

    def close(self) -> None:
        """Stop and close the database."""
        self.stop()
        self.store.close()

    def __enter__(self) -> Relay:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()
