"""The embedding cache: keys that never mix servers, read-only files and folders, corruption.

A small fake embeddings server (an ``httpx.MockTransport``) answers with vectors that depend on
the server's name and the text, so a vector served for the wrong server, or a damaged one, shows.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import sqlite3
import subprocess
import threading
import warnings

import httpx
import numpy as np
import pytest

import lcoai_notebook as lco
from lcoai_notebook import embeddings as emb
from lcoai_notebook._embed_cache import (
    APPLICATION_ID,
    EmbeddingCache,
    EmbeddingCacheWarning,
)

MODEL = "text-embedding-3-small"


def true_vector(server: str, text: str, dim: int) -> np.ndarray:
    """The fake server's vector for ``text``: seeded by server and text, independent of order."""
    seed = int.from_bytes(hashlib.sha256(f"{server}\0{text}".encode()).digest()[:8], "little")
    return np.random.default_rng(seed).standard_normal(dim).astype("<f4")


class FakeServer:
    """An OpenAI-style /v1/embeddings endpoint; records the inputs of every request."""

    def __init__(self, name: str, dim: int = 16) -> None:
        self.name, self.dim = name, dim
        self.inputs: list[list[str]] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        texts = body["input"]
        with self.lock:
            self.inputs.append(list(texts))
        dim = body.get("dimensions") or self.dim
        data = []
        for i, text in enumerate(texts):
            vec = true_vector(self.name, text, dim)
            emb_ = (base64.b64encode(vec.tobytes()).decode()
                    if body.get("encoding_format") == "base64" else vec.tolist())
            data.append({"object": "embedding", "index": i, "embedding": emb_})
        return httpx.Response(200, json={"object": "list", "data": data, "model": body["model"],
                                         "usage": {"prompt_tokens": 1, "total_tokens": 1}})

    @property
    def sent(self) -> list[str]:
        return [t for x in self.inputs for t in x]

    def client(self, base_url: str = "http://127.0.0.1:8000/v1") -> lco.Client:
        return lco.Client(api_token="sk-test", base_url=base_url, flavor="openai",
                          http_client=httpx.Client(transport=httpx.MockTransport(self)),
                          owns_http_client=True, max_retries=0)

    def truth(self, texts: list[str], dim: int | None = None) -> np.ndarray:
        return np.stack([true_vector(self.name, t, dim or self.dim) for t in texts])


TEXTS = [f"text {i}" for i in range(6)]


# -- 6. the key: the full origin and the flavor ---------------------------------------------------


def test_two_servers_on_one_loopback_host_never_share_vectors(tmp_path):
    path = tmp_path / "c.sqlite3"
    a, b = FakeServer("emulator on 8000"), FakeServer("model server on 8001")
    with a.client("http://127.0.0.1:8000/v1") as ca:
        np.testing.assert_array_equal(lco.embed(TEXTS, ca, cache=path), a.truth(TEXTS))
    with b.client("http://127.0.0.1:8001/v1") as cb:
        got = lco.embed(TEXTS, cb, cache=path)
    np.testing.assert_array_equal(got, b.truth(TEXTS))
    assert b.sent == TEXTS  # nothing of server a's was served for server b
    for host in ("localhost", "[::1]"):
        c = FakeServer(f"{host} server")
        with c.client(f"http://{host}:8000/v1") as cc:
            np.testing.assert_array_equal(lco.embed(TEXTS, cc, cache=path), c.truth(TEXTS))
        assert c.sent == TEXTS


def test_a_server_rereads_its_own_vectors(tmp_path):
    path = tmp_path / "c.sqlite3"
    a = FakeServer("a")
    with a.client("http://127.0.0.1:8000/v1") as ca:
        lco.embed(TEXTS, ca, cache=path)
    again = FakeServer("a")
    # A trailing slash: the same origin.
    with again.client("http://127.0.0.1:8000/v1/") as ca:
        np.testing.assert_array_equal(lco.embed(TEXTS, ca, cache=path), a.truth(TEXTS))
    assert again.inputs == []


@pytest.mark.parametrize(("one", "other"), [
    ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8001/v1"),
    ("http://localhost:8000/v1", "http://localhost:8001/v1"),
    ("http://[::1]:8000/v1", "http://[::1]:9000/v1"),
    ("http://127.0.0.1:8000/v1", "https://127.0.0.1:8000/v1"),
    ("http://127.0.0.1:8000/v1", "http://127.0.0.1:8000/openai"),
    ("https://example.com/v1", "https://example.com:8443/v1"),
])
def test_source_separates_origins(one, other):
    def src(url, flavor="openai"):
        return emb._source(type("C", (), {"base_url": url, "flavor": flavor})())

    assert src(one) != src(other)
    assert src(one) != src(one, "lowcodeapi")


def test_source_normalises_and_drops_credentials():
    def src(url):
        return emb._source(type("C", (), {"base_url": url, "flavor": "lowcodeapi"})())

    assert src("https://api.lowcodeapi.com/openai") == src("https://API.lowcodeapi.com:443/openai/")
    assert src("http://127.0.0.1/v1") == src("http://127.0.0.1:80/v1")
    secret = src("https://user:at_SECRET@host.example:8443/openai?api_token=at_SECRET#x")
    assert "SECRET" not in secret and "user" not in secret
    assert secret == "lowcodeapi https://host.example:8443/openai"


def test_in_process_emulator_key_holds_the_package_version():
    """``emulator.invalid`` is the same URL whichever emulator answers: the key also carries
    the version of the package that ships it, so an upgrade never serves old simulated vectors."""
    from lcoai_notebook.emulator import Emulator

    with Emulator().client() as client:
        source = emb._source(client)
    version = lco.__version__
    assert source == f"lowcodeapi http://emulator.invalid:80/openai lcoai-notebook/{version}"
    real = emb._source(type("C", (), {"base_url": "https://api.openai.com/v1", "flavor": "openai"}))
    assert "lcoai-notebook/" not in real


def test_loopback_emulator_vectors_are_not_served_for_another_server_on_its_port(tmp_path):
    """The reported case: vectors cached from an emulator on 127.0.0.1:PORT came back for a
    different server later listening on the same host with the same model."""
    from lcoai_notebook.emulator import Emulator

    path = tmp_path / "c.sqlite3"
    with Emulator(flavor="openai") as emu, emu.client() as client:
        lco.embed(TEXTS, client, cache=path, dimensions=16)
        port = emu.port if emu.port else int(emu.url.split(":")[2].split("/")[0])
    other = FakeServer("another server")
    with other.client(f"http://127.0.0.1:{port + 1}/v1") as oc:
        got = lco.embed(TEXTS, oc, cache=path, dimensions=16)
    np.testing.assert_array_equal(got, other.truth(TEXTS, 16))
    assert other.sent == TEXTS


# -- 7. read-only files and folders -----------------------------------------------------------


def _fill(path, server, texts, **kw):
    with server.client() as client:
        return lco.embed(texts, client, cache=path, **kw)


def _make_sqlite_read_only(path):
    """Set the database header's write version (byte 18) to 3: SQLite then opens the file
    read-only and every write fails with "attempt to write a readonly database" -- for root
    too, who ignores file permissions."""
    with open(path, "r+b") as f:
        f.seek(18)
        assert f.read(2) in (b"\x01\x01", b"\x02\x02")  # a closed file: no -wal left behind
        f.seek(18)
        f.write(b"\x03")


def test_read_only_file_returns_the_paid_vectors_and_warns_once(tmp_path):
    path = tmp_path / "c.sqlite3"
    server = FakeServer("s")
    _fill(path, server, TEXTS[:2])
    _make_sqlite_read_only(path)
    with sqlite3.connect(path) as probe, pytest.raises(sqlite3.OperationalError, match="readonly"):
        probe.execute("CREATE TABLE probe (x)")  # the simulation is real: SQLite refuses writes
    server.inputs.clear()
    with server.client() as client, EmbeddingCache(path) as cache:
        with pytest.warns(EmbeddingCacheWarning, match=r"c\.sqlite3 is read-only") as caught:
            got = lco.embed(TEXTS[:4], client, cache=cache)
        np.testing.assert_array_equal(got, server.truth(TEXTS[:4]))
        assert server.sent == TEXTS[2:4]  # the cached two were read, only the new two sent
        assert len(caught) == 1 and cache.read_only
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # once: no second warning for the same cache
            got = lco.embed(TEXTS[:5], client, cache=cache)
        np.testing.assert_array_equal(got, server.truth(TEXTS[:5]))
        assert len(cache) == 2


@pytest.fixture
def immutable(tmp_path):
    """Mark paths immutable with chattr (honoured even for root); undone after the test."""
    marked = []

    def mark(*paths):
        for p in paths:
            if shutil.which("chattr") is None:
                pytest.skip("chattr is not available")
            proc = subprocess.run(["chattr", "+i", str(p)], capture_output=True, text=True)
            if proc.returncode:
                pytest.skip(f"chattr +i is not permitted here: {proc.stderr.strip()}")
            marked.append(p)

    yield mark
    for p in reversed(marked):
        subprocess.run(["chattr", "-i", str(p)], check=True)


def test_read_only_folder_holding_a_valid_cache_is_read(tmp_path, immutable):
    folder = tmp_path / "shared"
    path = folder / "embeddings.sqlite3"
    server = FakeServer("s")
    _fill(path, server, TEXTS[:3])
    assert sorted(p.name for p in folder.iterdir()) == ["embeddings.sqlite3"]
    immutable(path, folder)
    with pytest.raises(OSError):
        (folder / "probe").write_text("x")  # the folder really is read-only, even for root
    server.inputs.clear()
    with server.client() as client:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # only reading: no warning at all
            got = lco.embed(TEXTS[:3], client, cache=folder)
        np.testing.assert_array_equal(got, server.truth(TEXTS[:3]))
        assert server.inputs == []
        with pytest.warns(EmbeddingCacheWarning, match="read-only"):
            got = lco.embed(TEXTS, client, cache=folder)
        np.testing.assert_array_equal(got, server.truth(TEXTS))
        assert server.sent == TEXTS[3:]


def test_cache_in_a_folder_that_cannot_be_created_still_returns_vectors(tmp_path, immutable):
    folder = tmp_path / "locked"
    folder.mkdir()
    immutable(folder)
    server = FakeServer("s")
    with server.client() as client, pytest.warns(EmbeddingCacheWarning, match="not cached"):
        got = lco.embed(TEXTS[:2], client, cache=folder / "sub" / "c.sqlite3")
    np.testing.assert_array_equal(got, server.truth(TEXTS[:2]))


# -- 8. corruption: a bad row is a miss, never a wrong vector ---------------------------------


def _flip(data: bytearray, offsets, rng) -> None:
    for off in offsets:
        data[off] ^= int(rng.integers(1, 256))  # a non-zero mask: the byte really changes


def test_truncated_rows_are_misses(tmp_path):
    path = tmp_path / "c.sqlite3"
    server = FakeServer("s")
    texts = ["alpha", "beta", "gamma"]
    _fill(path, server, texts, dimensions=8)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE vectors SET vec = substr(vec, 1, 8)")  # the reported 8-byte rows
    server.inputs.clear()
    with server.client() as client:
        got = lco.embed(texts, client, cache=path, dimensions=8)
        assert got.shape == (3, 8)
        np.testing.assert_array_equal(got, server.truth(texts, 8))
        assert server.sent == texts
        server.inputs.clear()
        np.testing.assert_array_equal(lco.embed(texts, client, cache=path, dimensions=8),
                                      server.truth(texts, 8))
        assert server.inputs == []  # rewritten


def test_a_row_moved_under_another_key_is_a_miss(tmp_path):
    path = tmp_path / "c.sqlite3"
    server = FakeServer("s")
    _fill(path, server, ["alpha", "beta"])
    with sqlite3.connect(path) as db:
        (k1, v1, c1), (k2, v2, c2) = db.execute('SELECT key, vec, "check" FROM vectors')
        db.execute('UPDATE vectors SET vec = ?, "check" = ? WHERE key = ?', (v2, c2, k1))
    server.inputs.clear()
    with server.client() as client, EmbeddingCache(path) as cache:
        np.testing.assert_array_equal(lco.embed(["alpha", "beta"], client, cache=cache),
                                      server.truth(["alpha", "beta"]))
        assert len(server.sent) == 1 and cache.rejected == 1


N_FILL = 3000


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A cache of 3,000 vectors (64 floats, so each row sits whole in its leaf page)."""
    path = tmp_path_factory.mktemp("flips") / "c.sqlite3"
    server = FakeServer("s", dim=64)
    texts = [f"document number {i}" for i in range(N_FILL)]
    _fill(path, server, texts, max_concurrency=1)  # one write order: the same file every run
    return path, server.truth(texts), texts


def test_200_flips_in_vector_data_are_all_detected(filled, tmp_path):
    src, truth, texts = filled
    path = tmp_path / "c.sqlite3"
    shutil.copy(src, path)
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(20261201)
    rows = rng.integers(0, N_FILL, 200)
    offsets: set[int] = set()
    row_of: dict[int, int] = {}
    for r in rows:
        start = bytes(data).find(truth[r].tobytes())
        assert start > 0  # the vector is stored contiguously
        while True:
            off = start + int(rng.integers(0, truth.shape[1] * 4))
            if off not in offsets:
                break
        offsets.add(off)
        row_of[off] = int(r)
    assert len(offsets) == 200
    _flip(data, sorted(offsets), rng)
    path.write_bytes(data)
    server = FakeServer("s", dim=64)
    with server.client() as client, EmbeddingCache(path) as cache:
        got = lco.embed(texts, client, cache=cache)
        np.testing.assert_array_equal(got, truth)  # never a wrong vector
        damaged = {texts[r] for r in row_of.values()}
        assert set(server.sent) == damaged  # every flipped row, and only those, fetched again
        detected = sum(texts[row_of[off]] in set(server.sent) for off in offsets)
        assert detected == 200 and cache.rejected == len(damaged)
        server.inputs.clear()
        np.testing.assert_array_equal(lco.embed(texts, client, cache=cache), truth)
        assert server.inputs == []  # the damaged rows were rewritten


def test_200_flips_anywhere_in_the_file_never_give_a_wrong_vector(filled, tmp_path):
    """Flips anywhere after the file header: the ones in keys, dims, vectors or checks are
    misses; those in free space inside pages are harmless; one in the b-tree's structure may
    make a page unreadable, and its rows are misses too (and the damaged file read-only)."""
    src, truth, texts = filled
    path = tmp_path / "c.sqlite3"
    shutil.copy(src, path)
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(7)
    page = int.from_bytes(data[16:18], "big")
    offsets = rng.choice(np.arange(page, len(data)), size=200, replace=False)
    _flip(data, offsets, rng)
    path.write_bytes(data)
    server = FakeServer("s", dim=64)
    with server.client() as client, EmbeddingCache(path) as cache:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            got = lco.embed(texts, client, cache=cache)
        np.testing.assert_array_equal(got, truth)
        assert all(issubclass(w.category, EmbeddingCacheWarning) for w in caught)
        assert len(server.sent) > 0 and cache.rejected > 0
        print(f"flips anywhere: {len(server.sent)} of {N_FILL} rows fetched again, "
              f"{cache.rejected} rows rejected, {len(caught)} warnings")


# -- 8. files that are not ours ---------------------------------------------------------------


def _snapshot(folder):
    return {p.name: p.read_bytes() for p in folder.iterdir()}


@pytest.mark.parametrize("schema", [
    "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'hi');",
    "CREATE TABLE embeddings (id INTEGER, vector BLOB);",
    "CREATE TABLE embeddings (key BLOB PRIMARY KEY, vec BLOB NOT NULL); CREATE TABLE t (x);",
    "PRAGMA application_id = 1234;",
])
def test_an_unrelated_sqlite_file_is_refused_unmodified(tmp_path, schema):
    path = tmp_path / "project.db"
    db = sqlite3.connect(path)
    db.executescript(schema)
    db.close()
    before = _snapshot(tmp_path)
    server = FakeServer("s")
    with server.client() as client:
        with pytest.raises(ValueError, match=r"project\.db is a SQLite database of another "
                                             r"program .* left unchanged"):
            lco.embed(TEXTS, client, cache=path)
    assert _snapshot(tmp_path) == before and server.inputs == []


def test_a_newer_format_is_refused(tmp_path):
    path = tmp_path / "c.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute("PRAGMA user_version = 99")
    db.commit()
    db.close()
    with pytest.raises(ValueError, match="format 99.*upgrade lcoai-notebook"):
        EmbeddingCache(path)


def test_an_old_format_cache_is_upgraded_and_its_untrustworthy_rows_dropped(tmp_path):
    path = tmp_path / "c.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE embeddings (key BLOB PRIMARY KEY, vec BLOB NOT NULL) WITHOUT ROWID")
    db.execute("INSERT INTO embeddings VALUES (?, ?)", (b"k" * 32, b"\0" * 64))
    db.commit()
    db.close()
    server = FakeServer("s")
    with server.client() as client:
        with pytest.warns(EmbeddingCacheWarning, match="older lcoai-notebook; its 1 vectors"):
            got = lco.embed(TEXTS, client, cache=path)
        np.testing.assert_array_equal(got, server.truth(TEXTS))
        server.inputs.clear()
        lco.embed(TEXTS, client, cache=path)
        assert server.inputs == []
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        assert tables == ["vectors"]
