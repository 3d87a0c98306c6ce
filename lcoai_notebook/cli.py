"""The ``lcoai-notebook`` command: ``emulator`` serves the offline emulator, ``lab`` opens the
example notebooks in JupyterLab (offline unless a token is set), ``relay`` runs a workshop relay."""


from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._config import ENV_API_TOKEN, ENV_OFFLINE, FLAVORS

__all__ = ["main", "notebooks_dir", "serve_emulator"]

_DESCRIPTION = ("Explore the OpenAI API (through LowCodeAPI) from Jupyter. 'lab' opens the "
                "example notebooks in JupyterLab (offline unless LCOAI_API_TOKEN is set); "
                "'emulator' serves the offline emulator on 127.0.0.1; 'relay' runs a workshop "
                "relay (one real token on the host's machine, a seat code per learner).")


def _emulator_description() -> str:
    from .emulator._config import DEFAULT_OPENAI_KEY, DEFAULT_TOKEN

    return ("Serve the offline emulator of the OpenAI API (as LowCodeAPI forwards it, or plain "
            "OpenAI) on 127.0.0.1. Base URL: http://127.0.0.1:PORT/openai for the lowcodeapi "
            "flavor (it accepts the workshop token api_token=" + DEFAULT_TOKEN + "), "
            "http://127.0.0.1:PORT/v1 for the openai flavor (Authorization: Bearer "
            + DEFAULT_OPENAI_KEY + "). Responses are simulated.")


def _emulator_parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=prog, description=_emulator_description())
    _add_emulator_args(parser)
    return parser


def _add_emulator_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8000, help="port to serve on (0 = any free "
                        "port; default 8000)")
    parser.add_argument("--flavor", choices=FLAVORS, default="lowcodeapi",
                        help="wire to emulate (default lowcodeapi)")
    parser.add_argument("--stream-mode", choices=("incremental", "buffered"), default=None,
                        help="how SSE streams are sent: buffered (the whole stream in one body, "
                        "as LowCodeAPI sends it) or incremental (event by event); default "
                        "buffered for lowcodeapi, incremental for openai")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds added to every response (default 0)")
    parser.add_argument("--fault-rate", type=float, default=0.0,
                        help="share of requests failing with a random transient fault (0..1)")
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the random faults")


def serve_emulator(port: int = 8000, flavor: str = "lowcodeapi",
                   stream_mode: str = "incremental", stop: threading.Event | None = None,
                   **config: Any) -> int:
    """Serve the emulator until interrupted (Ctrl-C or SIGTERM) or ``stop`` is set.

    Parameters
    ----------
    port : int
        Port on 127.0.0.1 (0 = any free port).
    flavor : {"lowcodeapi", "openai"}
        Wire to emulate.
    stream_mode : {"incremental", "buffered"}
        How SSE streams are sent.
    stop : threading.Event, optional
        Set it to stop serving (for embedding in other programs).
    **config
        Other :class:`~lcoai_notebook.emulator.EmuConfig` fields (``latency``, ``fault_rate`` ...).

    Returns
    -------
    int
        The process exit status (0).
    """
    from .emulator import Emulator

    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Emulator(flavor=flavor, port=port, stream_mode=stream_mode, **config) as emu:
        credential = "api_token" if flavor == "lowcodeapi" else "API key (Bearer)"
        print(f"lcoai-notebook emulator ({flavor}) serving at {emu.url}", flush=True)
        print(f"{credential}: {emu.api_token}  (responses are simulated; Ctrl-C to stop)",
              flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    return 0


def notebooks_dir() -> Path:
    """The example notebooks: ``notebooks/`` of a source checkout, else the installed copy."""
    package = Path(__file__).resolve().parent
    checkout = package.parent / "notebooks"
    if checkout.is_dir():
        return checkout
    return package / "notebooks"


def _is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def _have_jupyterlab() -> bool:
    return importlib.util.find_spec("jupyterlab") is not None


def _run_lab(args: Sequence[str], cwd: Path, env: dict[str, str]) -> int:
    """Run ``jupyter lab`` and wait for it. Ctrl-C (or SIGTERM) is passed on to JupyterLab,
    which then shuts down its kernels and exits; this command exits with its status."""
    proc = subprocess.Popen([sys.executable, "-m", "jupyter", "lab", *args], cwd=cwd, env=env)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: proc.terminate())
    try:
        while True:
            try:
                return proc.wait()
            except KeyboardInterrupt:
                # From a terminal JupyterLab got this Ctrl-C too and asks to confirm; a second
                # one from us confirms, so one Ctrl-C stops the whole command.
                proc.send_signal(signal.SIGINT)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def lab(extra: Sequence[str]) -> int:
    """Open the example notebooks in JupyterLab; offline (the emulator) unless
    ``LCOAI_API_TOKEN`` is set. ``extra`` goes to ``jupyter lab`` unchanged."""
    folder = notebooks_dir()
    if not folder.is_dir():
        print(f"lcoai-notebook: no example notebooks found at {folder}", file=sys.stderr)
        return 1
    if not _have_jupyterlab():
        print("lcoai-notebook lab needs JupyterLab: pip install 'lcoai-notebook[lab]'",
              file=sys.stderr)
        return 1
    env = dict(os.environ)
    if env.get(ENV_API_TOKEN):
        print(f"lcoai-notebook: {ENV_API_TOKEN} is set: notebooks call the live API "
              "(LowCodeAPI).", flush=True)
    else:
        env[ENV_OFFLINE] = "1"
        print(f"lcoai-notebook: no {ENV_API_TOKEN}: notebooks run offline against the emulator "
              f"({ENV_OFFLINE}=1; responses are simulated).", flush=True)
    args = list(extra)
    if _is_root() and "--allow-root" not in args:
        # Containers and CI machines often run as root, where JupyterLab refuses to start.
        args.append("--allow-root")
    return _run_lab(args, folder, env)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``lcoai-notebook`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from . import __version__

    parser = argparse.ArgumentParser(prog="lcoai-notebook", description=_DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"lcoai-notebook {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    emu = sub.add_parser("emulator", help="serve the offline emulator on 127.0.0.1",
                         description=_emulator_description())
    _add_emulator_args(emu)
    sub.add_parser("lab", help="open the example notebooks in JupyterLab (extra arguments go "
                   "to jupyter lab)", add_help=False)
    _add_relay_args(sub.add_parser(
        "relay", help="run a workshop relay: one real token here, a seat code per learner",
        description=_RELAY_DESCRIPTION))
    if argv and argv[0] == "lab":
        if argv[1:2] in (["-h"], ["--help"]):
            print("usage: lcoai-notebook lab [jupyter lab arguments...]\n\nOpen the example "
                  "notebooks in JupyterLab; offline (LCOAI_OFFLINE=1) unless LCOAI_API_TOKEN "
                  "is set.")
            return 0
        return lab(argv[1:])
    ns = parser.parse_args(argv)
    if ns.command == "relay":
        return run_relay_args(ns)
    return run_emulator_args(ns)


_RELAY_DESCRIPTION = (
    "Run a workshop relay. It holds the one real token (read from LCOAI_API_TOKEN in this "
    "environment, never from the command line), gives each learner a seat code with its own "
    "budget, and forwards their requests to the service. It prints the learner URL, the seat "
    "codes (also written to a CSV) and the admin page's URL with its key. Ctrl-C stops it; "
    "restarting with the same --db keeps the seats, codes, spend and pauses. To rehearse with no "
    "real token, start 'lcoai-notebook emulator' and point --upstream at it "
    "(http://127.0.0.1:8000/openai) with the workshop token it prints in LCOAI_API_TOKEN."
)


def _add_relay_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seats", type=int, default=30, help="seats to create (default 30)")
    parser.add_argument("--per-seat-usd", type=float, default=0.50,
                        help="each seat's budget in US dollars (default 0.50)")
    parser.add_argument("--budget-usd", type=float, default=20.0,
                        help="the workshop's total budget in US dollars (default 20)")
    parser.add_argument("--db", default="relay.sqlite",
                        help="the SQLite file for seats and the ledger (default relay.sqlite)")
    parser.add_argument("--upstream", default=None,
                        help="the service's base URL (default: LowCodeAPI's, or OpenAI's with "
                        "--flavor openai)")
    parser.add_argument("--flavor", choices=("lowcodeapi", "openai"), default="lowcodeapi",
                        help="how the upstream is spoken to (default lowcodeapi)")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 serves the room)")
    parser.add_argument("--port", type=int, default=8787, help="port (default 8787)")
    parser.add_argument("--per-minute", type=int, default=60,
                        help="requests a seat may send per minute (default 60)")
    parser.add_argument("--public-url", default=None,
                        help="the URL learners use, when it is not http://host:port")
    parser.add_argument("--price", action="append", default=[], metavar="MODEL=IN,OUT[,MAXOUT]",
                        help="a price to assume for a model the model table does not price, in "
                        "USD per million input and output tokens, with the most output tokens "
                        "a request may use (repeatable); without one such a model is refused")
    parser.add_argument("--codes-csv", default=None,
                        help="where to write the seat codes (default: next to --db, "
                        "<db>-seats.csv)")


def _price_args(values: Sequence[str]) -> dict[str, dict[str, float]]:
    """``--price MODEL=IN,OUT[,MAXOUT]`` options as the relay's ``prices``."""
    prices: dict[str, dict[str, float]] = {}
    for value in values:
        model, _, numbers = value.partition("=")
        parts = numbers.split(",")
        try:
            figures = [float(p) for p in parts]
        except ValueError:
            figures = []
        if not model or len(figures) not in (2, 3):
            raise ValueError(f"--price takes MODEL=INPUT,OUTPUT[,MAX_OUTPUT_TOKENS] (USD per "
                             f"million tokens, as OpenAI's price list gives them); got {value!r}")
        prices[model] = dict(zip(("input", "output", "max_output_tokens"), figures, strict=False))
    return prices


def run_relay_args(ns: argparse.Namespace, *, wait: Any = None) -> int:
    """Run the relay as parsed from ``relay`` command-line arguments until Ctrl-C."""
    from .relay import Relay

    try:
        relay = Relay(ns.upstream, flavor=ns.flavor, seats=ns.seats,
                      per_seat_usd=ns.per_seat_usd, budget_usd=ns.budget_usd, db=ns.db,
                      host=ns.host, port=ns.port, per_minute=ns.per_minute,
                      public_url=ns.public_url, prices=_price_args(ns.price))
        relay.start()
    except (ValueError, OSError, RuntimeError) as exc:
        print(f"lcoai-notebook relay: {exc}", file=sys.stderr)
        return 2
    codes = Path(ns.codes_csv or f"{Path(ns.db).with_suffix('')}-seats.csv")
    relay.write_codes(codes)
    print(f"Relay for {len(relay.seat_codes)} seats, forwarding to {relay.upstream} "
          f"({relay.flavor}).")
    print(f"Learners: lco.connect(relay={relay.url!r}, seat='<their code>')")
    print(f"  (any OpenAI client: base_url={relay.url + '/v1'!r}, api_key=<their code>)")
    print(f"Seat codes (also in {codes}):")
    for name, code in relay.seat_codes.items():
        print(f"  {name}  {code}")
    print(f"Admin page: {relay.admin_url}")
    print("Ctrl-C stops the relay. Requests are logged below (seat, route, status, cost).",
          flush=True)
    # One line per request on the console (the logger's records are scrubbed of the token).
    log = logging.getLogger("lcoai_notebook.relay")
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.addHandler(handler)
    level = log.level
    log.setLevel(logging.INFO)
    try:
        (wait or _sleep_forever)()
    except KeyboardInterrupt:
        pass
    finally:
        relay.close()
        log.removeHandler(handler)
        log.setLevel(level)
    print("Relay stopped.")
    return 0


def _sleep_forever() -> None:
    while True:
        time.sleep(3600)


def run_emulator_args(ns: argparse.Namespace) -> int:
    """Serve the emulator as parsed from ``emulator`` command-line arguments."""
    try:
        stream_mode = ns.stream_mode or ("buffered" if ns.flavor == "lowcodeapi"
                                         else "incremental")
        return serve_emulator(ns.port, ns.flavor, stream_mode, latency=ns.latency,
                              fault_rate=ns.fault_rate, fault_seed=ns.fault_seed)
    except (ValueError, OSError) as exc:  # a bad option value, or the port is taken
        print(f"lcoai-notebook emulator: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
