"""The relay's state in SQLite (WAL): seats, their budgets, and the ledger of every request.

Every change is one transaction under one lock, so a reservation is checked and written in a
single step: thirty seats asking at once cannot all see the same remaining budget. The ledger
keeps a row per forwarded request from the moment it is reserved; a relay that stops while a
request is in flight finds that row still ``reserved`` on its next start and charges it at the
reserved (worst-case) amount, marked ``interrupted`` — never less than it may have cost.

Amounts are kept in micro-dollars (integers): sums of integers do not drift, so "never overspend
by a cent" is checked exactly.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

__all__ = ["Refusal", "SeatStore", "micro", "usd"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS seats (
    name TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    budget_micro INTEGER NOT NULL,
    spent_micro INTEGER NOT NULL DEFAULT 0,
    reserved_micro INTEGER NOT NULL DEFAULT 0,
    requests INTEGER NOT NULL DEFAULT 0,
    refused INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    paused INTEGER NOT NULL DEFAULT 0,
    last_seen REAL
);
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    seat TEXT NOT NULL,
    started REAL NOT NULL,
    finished REAL,
    method TEXT NOT NULL,
    route TEXT NOT NULL,
    model TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    reserved_micro INTEGER NOT NULL,
    cost_micro INTEGER,
    input_tokens INTEGER,
    output_tokens INTEGER,
    note TEXT NOT NULL DEFAULT ''
);
"""

#: Ledger states: reserved (in flight), charged (the real cost), charged_worst_case (the cost could
#: not be read, the reservation is kept), refunded (failed upstream: nothing was billed),
#: interrupted (in flight when the relay stopped: charged at the reservation).
STATES = ("reserved", "charged", "charged_worst_case", "refunded", "interrupted")


def micro(amount_usd: float) -> int:
    """US dollars as whole micro-dollars, rounded up (a cost is never undercounted)."""
    scaled = amount_usd * 1_000_000
    whole = int(scaled)
    return whole + 1 if scaled - whole > 1e-6 else whole


def usd(amount_micro: int) -> float:
    return amount_micro / 1_000_000


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Refusal(Exception):
    """Why a request was not forwarded: ``kind`` is ``"seat_budget_exceeded"`` or
    ``"workshop_budget_exceeded"``; amounts in US dollars."""

    kind: str
    estimate_usd: float
    remaining_usd: float
    budget_usd: float


@dataclass(frozen=True)
class Seat:
    name: str
    paused: bool


class SeatStore:
    """Seats, budgets and the ledger of one relay, in the SQLite file ``path`` (WAL).

    Opening an existing file keeps its seats, codes, admin key, spend and pauses; ``seats``
    and ``per_seat_usd`` only create seats the file does not have yet.
    """

    def __init__(self, path: str | os.PathLike[str], *, seats: int, per_seat_usd: float,
                 budget_usd: float) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        _owner_only(self.path)  # it holds the seat codes and the admin key
        db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed reservation or charge survives a crash of the machine, not just of
        # the process.
        db.execute("PRAGMA synchronous=FULL")
        db.executescript(_SCHEMA)
        self._db = db
        with self._tx():
            self._setting("admin_key", secrets.token_urlsafe(32))
            # The workshop budget is the host's current decision; seats keep theirs (and any
            # budget added to them).
            db.execute("INSERT OR REPLACE INTO settings VALUES ('budget_micro', ?)",
                       (str(micro(budget_usd)),))
            self._setting("paused_all", "0")
            have = db.execute("SELECT COUNT(*) FROM seats").fetchone()[0]
            for i in range(have, seats):
                code = "seat_" + secrets.token_urlsafe(24)
                db.execute("INSERT INTO seats (name, code, code_hash, budget_micro) "
                           "VALUES (?, ?, ?, ?)",
                           (f"seat-{i + 1:02d}", code, _hash(code), micro(per_seat_usd)))
            self._recover()

    # -- plumbing ---------------------------------------------------------------------------------
    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One immediate transaction under the store's lock (rolled back on an error)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _setting(self, key: str, default: str) -> str:
        """A setting, written with ``default`` the first time (at opening only)."""
        self._db.execute("INSERT OR IGNORE INTO settings VALUES (?, ?)", (key, default))
        return self._get(key)

    def _get(self, key: str) -> str:
        return self._db.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()[0]

    def _workshop_micro(self) -> tuple[int, int, int]:
        """The workshop's budget, spend and reservations, in micro-dollars."""
        spent, reserved = self._db.execute(
            "SELECT COALESCE(SUM(spent_micro), 0), COALESCE(SUM(reserved_micro), 0) "
            "FROM seats").fetchone()
        return int(self._get("budget_micro")), spent, reserved

    def _recover(self) -> None:
        """Charge requests left in flight by a relay that stopped, at their reservation."""
        rows = self._db.execute("SELECT id, seat, reserved_micro FROM ledger "
                                "WHERE state = 'reserved'").fetchall()
        for row_id, seat, reserved in rows:
            self._db.execute("UPDATE ledger SET state = 'interrupted', cost_micro = ?, "
                             "finished = ? WHERE id = ?", (reserved, time.time(), row_id))
            self._db.execute("UPDATE seats SET reserved_micro = reserved_micro - ?, "
                             "spent_micro = spent_micro + ? WHERE name = ?",
                             (reserved, reserved, seat))

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- who is asking ----------------------------------------------------------------------------
    @property
    def admin_key(self) -> str:
        with self._lock:
            return self._get("admin_key")

    def check_admin(self, key: str | None) -> bool:
        """True when ``key`` is the admin key (compared in constant time)."""
        return bool(key) and hmac.compare_digest(str(key).encode(), self.admin_key.encode())

    def seat_for(self, code: str | None) -> Seat | None:
        """The seat a code belongs to, or None. The lookup is by the code's SHA-256 and the code is
        then compared in constant time, so response timing says nothing about a guess's prefix."""
        if not code:
            return None
        with self._lock:
            row = self._db.execute("SELECT name, code, paused FROM seats WHERE code_hash = ?",
                                   (_hash(code),)).fetchone()
        if row is None or not hmac.compare_digest(row[1].encode(), code.encode()):
            return None
        return Seat(row[0], bool(row[2]))

    def seat_codes(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT name, code FROM seats ORDER BY name"))

    def paused_all(self) -> bool:
        with self._lock:
            return self._get("paused_all") == "1"

    # -- money ------------------------------------------------------------------------------------
    def reserve(self, seat: str, estimate_micro: int, *, method: str, route: str,
                model: str) -> int:
        """Reserve ``estimate_micro`` against the seat's and the workshop's remaining budget and
        open a ledger row for the request; returns its id. Raises :class:`Refusal` (nothing
        written but the refusal count) when either budget cannot cover the worst case."""
        now = time.time()
        with self._tx() as db:
            budget, spent, reserved = db.execute(
                "SELECT budget_micro, spent_micro, reserved_micro FROM seats WHERE name = ?",
                (seat,)).fetchone()
            total_budget, total_spent, total_reserved = self._workshop_micro()
            db.execute("UPDATE seats SET last_seen = ? WHERE name = ?", (now, seat))
            seat_left = budget - spent - reserved
            total_left = total_budget - total_spent - total_reserved
            refusal = None
            if estimate_micro > seat_left:
                refusal = Refusal("seat_budget_exceeded", usd(estimate_micro),
                                  usd(max(seat_left, 0)), usd(budget))
            elif estimate_micro > total_left:
                refusal = Refusal("workshop_budget_exceeded", usd(estimate_micro),
                                  usd(max(total_left, 0)), usd(total_budget))
            if refusal is not None:
                db.execute("UPDATE seats SET refused = refused + 1 WHERE name = ?", (seat,))
            else:
                db.execute("UPDATE seats SET reserved_micro = reserved_micro + ?, "
                           "requests = requests + 1 WHERE name = ?", (estimate_micro, seat))
                cur = db.execute(
                    "INSERT INTO ledger (seat, started, method, route, model, state, "
                    "reserved_micro) VALUES (?, ?, ?, ?, ?, 'reserved', ?)",
                    (seat, now, method, route, model, estimate_micro))
                row_id = cur.lastrowid
        if refusal is not None:
            raise refusal
        assert row_id is not None
        return row_id

    def settle(self, row_id: int, *, status: int, cost_micro: int | None,
               input_tokens: int | None = None, output_tokens: int | None = None,
               note: str = "") -> None:
        """Replace a reservation with the real cost. ``cost_micro=None`` (not readable) keeps the
        reservation as the charge; a failed request (``status`` not 2xx, nothing billed) is
        refunded."""
        with self._tx() as db:
            row = db.execute("SELECT seat, reserved_micro, state FROM ledger WHERE id = ?",
                             (row_id,)).fetchone()
            if row is None or row[2] != "reserved":
                return  # settled already (a stream's end and its error both report)
            seat, reserved, _ = row
            if not 200 <= status < 300:
                state, cost = "refunded", 0
            elif cost_micro is None:
                state, cost = "charged_worst_case", reserved
            else:
                state, cost = "charged", cost_micro
            db.execute("UPDATE ledger SET state = ?, status = ?, cost_micro = ?, input_tokens = ?,"
                       " output_tokens = ?, finished = ?, note = ? WHERE id = ?",
                       (state, status, cost, input_tokens, output_tokens, time.time(), note,
                        row_id))
            db.execute("UPDATE seats SET reserved_micro = reserved_micro - ?, "
                       "spent_micro = spent_micro + ?, input_tokens = input_tokens + ?, "
                       "output_tokens = output_tokens + ? WHERE name = ?",
                       (reserved, cost, input_tokens or 0, output_tokens or 0, seat))

    def count_refusal(self, seat: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE seats SET refused = refused + 1, last_seen = ? WHERE name = ?",
                       (time.time(), seat))

    # -- the host's controls ----------------------------------------------------------------------
    def _seat_exists(self, db: sqlite3.Connection, name: str) -> None:
        if db.execute("SELECT 1 FROM seats WHERE name = ?", (name,)).fetchone() is None:
            raise KeyError(name)

    def set_paused(self, name: str, paused: bool) -> None:
        with self._tx() as db:
            self._seat_exists(db, name)
            db.execute("UPDATE seats SET paused = ? WHERE name = ?", (int(paused), name))

    def set_paused_all(self, paused: bool) -> None:
        with self._tx() as db:
            db.execute("UPDATE settings SET value = ? WHERE key = 'paused_all'",
                       ("1" if paused else "0",))

    def add_budget(self, name: str, amount_usd: float) -> None:
        """Raise one seat's budget (the workshop budget is not changed)."""
        with self._tx() as db:
            self._seat_exists(db, name)
            db.execute("UPDATE seats SET budget_micro = budget_micro + ? WHERE name = ?",
                       (micro(amount_usd), name))

    # -- reading ----------------------------------------------------------------------------------
    def seats(self) -> list[dict[str, Any]]:
        """One dict per seat (no codes): requests, refused, tokens, spend, remaining, paused."""
        with self._lock:
            rows = self._db.execute(
                "SELECT name, requests, refused, input_tokens, output_tokens, spent_micro, "
                "reserved_micro, budget_micro, paused, last_seen FROM seats ORDER BY name"
            ).fetchall()
        return [{"seat": r[0], "requests": r[1], "refused": r[2], "input_tokens": r[3],
                 "output_tokens": r[4], "spent_usd": usd(r[5]), "reserved_usd": usd(r[6]),
                 "budget_usd": usd(r[7]), "remaining_usd": usd(r[7] - r[5] - r[6]),
                 "paused": bool(r[8]), "last_seen": r[9]} for r in rows]

    def totals(self) -> dict[str, Any]:
        with self._lock:
            budget, spent, reserved = self._workshop_micro()
            paused = self._get("paused_all") == "1"
        return {"budget_usd": usd(budget), "spent_usd": usd(spent), "reserved_usd": usd(reserved),
                "remaining_usd": usd(budget - spent - reserved), "paused_all": paused}

    def ledger(self) -> list[dict[str, Any]]:
        cols = ("id", "seat", "started", "finished", "method", "route", "model", "state",
                "status", "reserved_micro", "cost_micro", "input_tokens", "output_tokens", "note")
        with self._lock:
            rows = self._db.execute(f"SELECT {', '.join(cols)} FROM ledger ORDER BY id").fetchall()
        out = []
        for r in rows:
            d: dict[str, Any] = dict(zip(cols, r, strict=True))
            d["reserved_usd"] = usd(d.pop("reserved_micro"))
            cost = d.pop("cost_micro")
            d["cost_usd"] = None if cost is None else usd(cost)
            out.append(d)
        return out

    def ledger_csv(self) -> str:
        rows = self.ledger()
        buf = io.StringIO()
        fields = ["id", "seat", "started", "finished", "method", "route", "model", "state",
                  "status", "reserved_usd", "cost_usd", "input_tokens", "output_tokens", "note"]
        writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_safe(v) for k, v in row.items()})
        return buf.getvalue()


def _owner_only(path: str | os.PathLike[str]) -> None:
    """Make ``path`` readable by its owner only (where the file system has such modes)."""
    try:
        os.chmod(path, 0o600)
    except OSError:  # pragma: no cover - a file system without POSIX modes
        pass


def _csv_safe(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (model names come from learners)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
