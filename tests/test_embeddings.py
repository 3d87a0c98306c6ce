"""embed / embed_dataframe / search against the in-process emulator."""

from __future__ import annotations

import json
import threading
import time

import httpx
import numpy as np
import pandas as pd
import pytest
from _bars import record_bars

import lcoai_notebook as lco
from lcoai_notebook import embeddings as emb
from lcoai_notebook._embed_cache import EmbeddingCache
from lcoai_notebook.emulator import Emulator

MODEL = "text-embedding-3-small"


class Recorder(httpx.BaseTransport):
    """Wraps the emulator's transport: counts embedding requests and the texts they carried,
    tracks how many were in flight at once, and can delay or fail chosen requests."""

    def __init__(self, inner: httpx.BaseTransport, delay=None, fail_on=None) -> None:
        self.inner = inner
        self.delay = delay  # f(request_number, inputs) -> seconds
        self.fail_on = fail_on  # request numbers answered with a 400
        self.lock = threading.Lock()
        self.inputs: list[list[str]] = []
        self.in_flight = 0
        self.max_in_flight = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        with self.lock:
            number = len(self.inputs)
            self.inputs.append(list(body.get("input", [])))
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay is not None:
                time.sleep(self.delay(number, body.get("input", [])))
            if self.fail_on and number in self.fail_on:
                return httpx.Response(400, json={"error": {
                    "message": "simulated failure", "type": "invalid_request_error",
                    "param": None, "code": None}})
            return self.inner.handle_request(request)
        finally:
            with self.lock:
                self.in_flight -= 1

    def close(self) -> None:
        self.inner.close()

    @property
    def requests(self) -> int:
        return len(self.inputs)


@pytest.fixture
def emu():
    return Emulator(flavor="openai")


def _client(emu, recorder=None, **kw):
    transport = recorder if recorder is not None else emu.transport()
    return lco.Client(api_token=emu.api_token, base_url=emu.inprocess_url, flavor="openai",
                      http_client=httpx.Client(transport=transport), owns_http_client=True, **kw)


def _reference(client, texts, **kw):
    """One plain embeddings.create per 2,048 texts, float32 as the API sends it."""
    parts = [client.embeddings.create(input=texts[i:i + 2048], model=MODEL, **kw).to_numpy()
             for i in range(0, len(texts), 2048)]
    return np.concatenate(parts)


TEXTS = [f"note {i}: {'cats and kittens' if i % 3 else 'markets and bonds'} #{i * 7 % 11}"
         for i in range(157)]


def test_embed_matches_embeddings_create_exactly(emu):
    with _client(emu) as client:
        got = lco.embed(TEXTS, client)
        ref = _reference(client, TEXTS)
    assert got.dtype == np.float32 and got.shape == (157, 1536)
    np.testing.assert_array_equal(got, ref)


def test_lowcodeapi_flavor_concurrent_matches_exactly():
    emu = Emulator()  # the default flavor: envelope, api_token query, New/Old paths
    with emu.client() as client:
        got = lco.embed(TEXTS, client, batch_size=16, max_concurrency=4)
        ref = _reference(client, TEXTS)
    np.testing.assert_array_equal(got, ref)


def test_order_kept_across_splits_and_out_of_order_completion(emu):
    # Later requests answer first (decreasing delays), several are in flight at once, and
    # each request carries at most batch_size texts: rows must still follow the input.
    n_batches = -(-len(TEXTS) // 10)
    rec = Recorder(emu.transport(), delay=lambda k, _: 0.004 * (n_batches - k))
    with _client(emu, rec) as client:
        got = lco.embed(TEXTS, client, batch_size=10, max_concurrency=3)
    with _client(emu) as client:
        ref = _reference(client, TEXTS)
    np.testing.assert_array_equal(got, ref)
    assert rec.requests == n_batches
    assert max(len(x) for x in rec.inputs) == 10
    assert sorted(t for x in rec.inputs for t in x) == sorted(TEXTS)
    assert 1 < rec.max_in_flight <= 3


def test_concurrency_one_is_sequential(emu):
    rec = Recorder(emu.transport(), delay=lambda k, _: 0.002)
    with _client(emu, rec) as client:
        lco.embed(TEXTS[:40], client, batch_size=8, max_concurrency=1)
    assert rec.max_in_flight == 1 and rec.requests == 5


def test_token_budget_splits_requests(emu):
    texts = ["x" * 300] * 3 + ["y" * 300, "z" * 300]  # ~101 estimated tokens each
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:
        got = lco.embed(texts, client, max_tokens_per_request=250)
    # Repeats are sent once; the three distinct texts go two per request at most.
    assert [len(x) for x in rec.inputs] == [2, 1]
    assert sorted(t for x in rec.inputs for t in x) == sorted(set(texts))
    np.testing.assert_array_equal(got[0], got[2])


def test_token_estimate_stays_generous_beyond_ascii():
    # The embedding models' tokenizer (cl100k_base) spends about 1 to 2 tokens on a Chinese
    # character and 1 to 3 on an emoji, against ~4 ASCII characters a token. Counting UTF-8
    # bytes / 3 made CJK one token a character: too low, so a planned request could break the
    # API's per-request budget. Every text must be estimated at or above a pessimistic count.
    cases = [("a" * 300, 75), ("猫" * 1000, 2000), ("🙂" * 100, 300), ("кошка " * 100, 300)]
    for text, pessimistic in cases:
        assert emb._estimate_tokens(text) >= pessimistic, text[:10]
    assert emb._estimate_tokens("a" * 30) == 11  # ASCII estimates are unchanged


def test_plan_respects_both_limits():
    texts = ["a" * 30] * 10  # 11 tokens each by the estimate
    plan = emb._plan(range(10), texts, batch_size=4, max_tokens=1000)
    assert [len(b) for b in plan] == [4, 4, 2] and sum(plan, []) == list(range(10))
    plan = emb._plan(range(10), texts, batch_size=2048, max_tokens=25)
    assert [len(b) for b in plan] == [2] * 5
    # One text over the budget still gets a request of its own (the API judges it).
    assert emb._plan([0, 1], ["b" * 3000, "c"], 10, 100) == [[0], [1]]


def test_duplicates_sent_once_rows_repeated(emu):
    texts = ["same text", "other", "same text", "other", "third"]
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:
        got = lco.embed(texts, client)
        assert rec.inputs == [["same text", "other", "third"]]
        ref = _reference(client, texts)
    np.testing.assert_array_equal(got, ref)


def test_dimensions_are_sent_and_honoured(emu):
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:
        got = lco.embed(TEXTS[:5], client, dimensions=64)
        ref = _reference(client, TEXTS[:5], dimensions=64)
    assert got.shape == (5, 64)
    np.testing.assert_array_equal(got, ref)


def test_numpy_integer_options_work_like_ints(emu, tmp_path):
    # embed's checks accept numpy integers (e.g. from an array's metadata); so must the request
    # body and the cache key.
    with _client(emu) as client:
        got = lco.embed(TEXTS[:5], client, dimensions=np.int64(16), batch_size=np.int32(2),
                        max_concurrency=np.int64(2), cache=tmp_path / "c")
        np.testing.assert_array_equal(got, lco.embed(TEXTS[:5], client, dimensions=16))


def test_cached_rerun_sends_no_request(emu, tmp_path):
    path = tmp_path / "cache.sqlite3"
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:
        first = lco.embed(TEXTS, client, cache=path, batch_size=50)
        sent = rec.requests
        second = lco.embed(TEXTS, client, cache=path, batch_size=50)
        assert rec.requests == sent == 4
        np.testing.assert_array_equal(first, second)
        # Only the new texts are sent, and cached rows land in their right places.
        mixed = ["a brand new text", *TEXTS[:3], "another new one"]
        third = lco.embed(mixed, client, cache=path)
        assert rec.inputs[-1] == ["a brand new text", "another new one"]
        np.testing.assert_array_equal(third, _reference(client, mixed))
        # Another dimension is another key.
        lco.embed(TEXTS[:2], client, cache=path, dimensions=32)
        assert rec.inputs[-1] == TEXTS[:2]


def test_cache_is_per_source(emu, tmp_path):
    path = tmp_path / "c.sqlite3"
    with _client(emu) as client:
        lco.embed(["hello"], client, cache=path)
    rec = Recorder(emu.transport())
    other = lco.Client(api_token=emu.api_token, base_url="http://localhost/v1", flavor="openai",
                       http_client=httpx.Client(transport=rec), owns_http_client=True)
    with other:
        lco.embed(["hello"], other, cache=path)
    assert rec.requests == 1  # simulated vectors are not served for a different service


def test_failed_request_raises_and_keeps_what_arrived(emu, tmp_path):
    path = tmp_path / "c.sqlite3"
    rec = Recorder(emu.transport(), fail_on={2})
    with _client(emu, rec, max_retries=0) as client:
        with pytest.raises(lco.BadRequestError, match="simulated failure"):
            lco.embed(TEXTS[:60], client, batch_size=10, max_concurrency=1, cache=path)
    # Queued requests were dropped after the failure; every answered one was cached.
    answered = [t for k, x in enumerate(rec.inputs) if k != 2 for t in x]
    assert len(answered) == 20  # one request at a time: nothing was sent after the failure
    with EmbeddingCache(path) as cache:
        assert len(cache) == len(answered)
    rec2 = Recorder(emu.transport())
    with _client(emu, rec2) as client:
        got = lco.embed(TEXTS[:60], client, batch_size=10, cache=path)
        np.testing.assert_array_equal(got, _reference(client, TEXTS[:60]))
    assert sorted(t for x in rec2.inputs[:-1] for t in x) == sorted(set(TEXTS[:60]) - set(answered))


def test_cache_object_and_default_location(emu, tmp_path, monkeypatch):
    monkeypatch.setenv("LCOAI_CACHE_DIR", str(tmp_path / "dflt"))
    with _client(emu) as client:
        lco.embed(["one", "two"], client, cache=True)
    assert (tmp_path / "dflt" / "embeddings.sqlite3").exists()
    with EmbeddingCache(tmp_path / "dflt") as cache:
        assert len(cache) == 2
        rec = Recorder(emu.transport())
        with _client(emu, rec) as client:
            lco.embed(["two", "one"], client, cache=cache)
        assert rec.requests == 0


def test_progress_bar_on_request(emu, capsys):
    with _client(emu) as client:
        lco.embed(TEXTS[:30], client, batch_size=10, progress=True)
    err = capsys.readouterr().err
    assert "embedding" in err and "30/30" in err


def test_progress_bar_closed_on_error_and_absent_when_off(emu, monkeypatch, capsys):
    bars = record_bars(monkeypatch)
    rec = Recorder(emu.transport(), fail_on={1})
    with _client(emu, rec, max_retries=0) as client:
        with pytest.raises(lco.BadRequestError):
            lco.embed(TEXTS[:30], client, batch_size=10, max_concurrency=1, progress=True)
        [bar] = bars
        assert bar.disable and bar.n == 10  # closed, having counted the one answered request
        lco.embed(TEXTS[:30], client, progress=False)
        lco.embed(TEXTS[:30], client)  # the default: no bar for a short input
    assert len(bars) == 1
    capsys.readouterr()


def test_corrupt_cache_file_is_named_in_a_clear_error(emu, tmp_path):
    path = tmp_path / "vectors.sqlite3"
    path.write_bytes(b"not a database, perhaps a pickle someone named like one" * 20)
    with _client(emu) as client:
        with pytest.raises(ValueError, match=r"vectors\.sqlite3.*not an embedding cache.*delete"):
            lco.embed(["a"], client, cache=path)


def test_damaged_cache_rows_are_fetched_again(emu, tmp_path):
    import sqlite3

    path = tmp_path / "c.sqlite3"
    texts = ["alpha", "beta", "gamma"]
    with _client(emu) as client:
        ref = lco.embed(texts, client, cache=path, dimensions=8)
    db = sqlite3.connect(path)
    keys = [row[0] for row in db.execute("SELECT key FROM vectors")]
    db.execute("UPDATE vectors SET vec = substr(vec, 1, 10) WHERE key = ?", (keys[0],))
    db.execute("UPDATE vectors SET vec = substr(vec, 1, 16) WHERE key = ?", (keys[1],))
    db.commit()
    db.close()
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:
        got = lco.embed(texts, client, cache=path, dimensions=8)
    np.testing.assert_array_equal(got, ref)
    assert rec.requests == 1 and len(rec.inputs[0]) == 2  # only the two damaged rows
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:  # they were stored afresh
        assert lco.embed(texts, client, cache=path, dimensions=8).shape == (3, 8)
        assert rec.requests == 0
        # Without `dimensions`, the length most rows share is the right one.
        full = lco.embed(texts, client, cache=path)
        db = sqlite3.connect(path)
        db.execute("UPDATE vectors SET vec = substr(vec, 1, 16) WHERE length(vec) = 6144 "
                   "AND key = (SELECT min(key) FROM vectors WHERE length(vec) = 6144)")
        db.commit()
        db.close()
        np.testing.assert_array_equal(lco.embed(texts, client, cache=path), full)
        assert [len(x) for x in rec.inputs] == [3, 1]


def test_cache_keys_separate_models(emu, tmp_path):
    path = tmp_path / "c.sqlite3"
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:
        small = lco.embed(["hello"], client, cache=path)
        large = lco.embed(["hello"], client, cache=path, model="text-embedding-3-large")
    assert rec.requests == 2 and small.shape == (1, 1536) and large.shape == (1, 3072)


def test_via_batch_matches_direct(emu):
    emu_fast = Emulator(flavor="openai", job_step_seconds=0.01)
    with _client(emu_fast) as client:
        got = lco.embed(TEXTS[:25], client, via="batch", batch_size=10,
                        batch_options={"poll_interval": 0.01, "timeout": 30})
        ref = _reference(client, TEXTS[:25])
    np.testing.assert_array_equal(got, ref)


def test_via_batch_keeps_every_answered_request_when_one_fails(emu, tmp_path):
    """A failed line in a (long, paid) batch must not throw away the others: they are cached,
    and the error names the failed request."""
    from types import SimpleNamespace

    from lcoai_notebook.api.batches import BatchRequestError, BatchResults

    texts = [f"text number {i}" for i in range(6)]
    with _client(emu) as real:
        ref = lco.embed(texts, real)

    def run(requests, endpoint, **options):
        out = []
        for i, body in enumerate(requests):
            if i == 1:
                out.append(BatchRequestError({"custom_id": f"request-{i}", "status_code": 400,
                                              "error": {"code": "bad", "message": "no good"}}))
            else:
                out.append(real.embeddings.create(**body))
        return BatchResults(out, batch=None, custom_ids=[f"request-{i}" for i in range(3)])

    with _client(emu) as real:
        fake = SimpleNamespace(batches=SimpleNamespace(run=run), base_url=str(real.base_url))
        with pytest.raises(lco.APIError, match=r"request-1 failed: bad: no good"):
            lco.embed(texts, fake, via="batch", batch_size=2, cache=tmp_path / "c")
    with EmbeddingCache(tmp_path / "c") as cache:
        assert len(cache) == 4  # requests 0 and 2: two texts each
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:
        np.testing.assert_array_equal(lco.embed(texts, client, cache=tmp_path / "c"), ref)
    assert rec.inputs == [texts[2:4]]


def test_async_client_is_refused(emu):
    async_client = emu.async_client()
    with pytest.raises(TypeError, match="synchronous Client"):
        lco.embed(["a"], async_client)


def test_other_openai_style_clients_work(emu):
    """A client whose response has only ``.data[i].index/.embedding`` (like the official SDK's),
    answering out of order, still gives rows in input order."""
    from types import SimpleNamespace

    with _client(emu) as real:
        ref = _reference(real, TEXTS[:30])

        class Embeddings:
            def create(self, *, input, model, **kw):
                mat = real.embeddings.create(input=input, model=model, **kw).to_numpy()
                items = [SimpleNamespace(index=i, embedding=mat[i].tolist())
                         for i in range(len(input))]
                return SimpleNamespace(data=items[::-1])

        other = SimpleNamespace(embeddings=Embeddings(), base_url="http://other.invalid/v1")
        got = lco.embed(TEXTS[:30], other, batch_size=7)
    np.testing.assert_array_equal(got, ref)


def test_default_client_is_connect(monkeypatch):
    got = lco.embed(["a cat"])  # no token in the environment: the emulator
    assert got.shape == (1, 1536) and got.dtype == np.float32


def test_inputs_accepted(emu):
    texts = ["a", "b", "c"]
    with _client(emu) as client:
        ref = lco.embed(texts, client)
        for form in (tuple(texts), np.array(texts), pd.Series(texts, index=[7, 3, 9])):
            np.testing.assert_array_equal(lco.embed(form, client), ref)
        assert lco.embed([], client).shape == (0, 0)
        assert lco.embed([], client, dimensions=8).shape == (0, 8)


@pytest.mark.parametrize(
    ("texts", "kwargs", "exc", "pattern"),
    [
        ("a cat", {}, TypeError, r"texts must be .* got a single str; wrap it in a list"),
        (["a", 3], {}, TypeError, r"texts\[1\] must be str, got int"),
        (["a", None], {}, TypeError, r"texts\[1\] must be str, got NoneType \(a missing value"),
        (pd.Series(["a", float("nan")]), {}, TypeError, r"texts\[1\] .* missing value"),
        (pd.Series(["a", None], dtype="string"), {}, TypeError,
         r"texts\[1\] must be str, got NAType \(a missing value"),
        (np.array(["a", None], dtype=object), {}, TypeError, r"texts\[1\] .* missing value"),
        (["a", ""], {}, ValueError, r"texts\[1\] is an empty string"),
        ({"a": 1}, {}, TypeError, "got dict"),
        (np.array([["a"]]), {}, ValueError, r"1-D array of str, got an array of shape \(1, 1\)"),
        (["a"], {"batch_size": 4096}, ValueError,
         "batch_size must be between 1 and 2048, got 4096"),
        (["a"], {"max_concurrency": 0}, ValueError, "max_concurrency must be at least 1"),
        (["a"], {"dimensions": "64"}, TypeError, "dimensions must be an int, got str"),
        (["a"], {"via": "queue"}, ValueError, "via must be one of 'direct', 'batch'"),
        (["a"], {"model": ""}, TypeError, "model must be a non-empty str"),
        (["a"], {"cache": 3}, TypeError, "cache must be None, True"),
        (["a"], {"progress": "yes"}, TypeError, "progress must be True, False or None"),
    ],
)
def test_embed_validation_before_any_request(texts, kwargs, exc, pattern):
    class NoRequests:
        base_url = "http://nowhere.invalid"

        @property
        def embeddings(self):
            raise AssertionError("no request may be made for bad input")

    with pytest.raises(exc, match=pattern):
        lco.embed(texts, NoRequests(), **kwargs)


def test_embed_dataframe(emu):
    df = pd.DataFrame({"id": [1, 2, 3], "review": ["great cat food", "poor bonds", "great cat"]})
    with _client(emu) as client:
        got = lco.embed_dataframe(df, "review", client=client)
        np.testing.assert_array_equal(got, lco.embed(list(df["review"]), client))
    with pytest.raises(ValueError,
                       match=r"column 'text' is not in df; its columns are: 'id', 'review'"):
        lco.embed_dataframe(df, "text", client=client)
    with pytest.raises(TypeError, match=r"df\['id'\]\[0\] must be str, got int"):
        lco.embed_dataframe(df, "id", client=client)
    with pytest.raises(TypeError, match="df must be a pandas DataFrame"):
        lco.embed_dataframe([1, 2], "x")


CATS = ["my cat sleeps on the sofa", "cats chase mice at night", "a kitten drinks milk"]
FINANCE = ["quarterly earnings beat analyst forecasts", "the bond market fell sharply",
           "interest rates and inflation rose"]


def test_search_ranks_cats_above_finance(emu):
    with _client(emu) as client:
        df = lco.search("my cat likes to sleep", FINANCE + CATS, k=6, client=client)
    assert list(df.columns) == ["text", "score", "rank"]
    assert df["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert set(df["text"][:3]) == set(CATS)
    assert set(df.index[:3]) == {3, 4, 5}
    assert df["score"].is_monotonic_decreasing
    assert df["score"].iloc[2] > df["score"].iloc[3]


def test_search_takes_a_corpus_as_any_form_embed_takes(emu):
    corpus = FINANCE + CATS
    with _client(emu) as client:
        ref = lco.search("kittens and cats", corpus, k=3, client=client)
        for form in (np.array(corpus), np.array(corpus, dtype=object), tuple(corpus),
                     pd.Series(corpus, index=range(10, 16))):
            got = lco.search("kittens and cats", form, k=3, client=client)
            pd.testing.assert_frame_equal(got, ref)


def test_search_with_vectors_and_labels(emu):
    with _client(emu) as client:
        corpus = lco.embed(FINANCE + CATS, client)
        query = lco.embed(["kittens and cats"], client)[0]
        by_text = lco.search("kittens and cats", FINANCE + CATS, k=3, client=client)
    df = lco.search(query, corpus, k=3, texts=FINANCE + CATS)
    pd.testing.assert_frame_equal(df, by_text)
    unlabelled = lco.search(query, corpus, k=2)
    assert unlabelled["text"].tolist() == [None, None]
    assert unlabelled.index.tolist() == by_text.index[:2].tolist()


def test_search_validation():
    corpus = np.eye(3)
    with pytest.raises(ValueError, match=r"texts has 2 labels for a corpus of shape \(3, 3\)"):
        lco.search([1, 0, 0], corpus, texts=["a", "b"])
    with pytest.raises(ValueError, match="one text or one vector.*use top_k"):
        lco.search(np.eye(3)[:2], corpus)
    with pytest.raises(ValueError, match=r"queries has shape \(1, 2\), corpus has shape \(3, 3\)"):
        lco.search([1, 0], corpus)


@pytest.mark.parametrize(("query", "corpus", "kwargs", "exc", "pattern"), [
    ("q", ["a", "b"], {"k": 0}, ValueError, "k must be a positive int, got 0"),
    ("q", ["a", "b"], {"k": -3}, ValueError, "k must be a positive int, got -3"),
    ("q", ["a", "b"], {"k": 2.0}, TypeError, "k must be a positive int, got float"),
    ("q", ["a", "b"], {"k": True}, TypeError, "k must be a positive int, got bool"),
    ("q", [], {}, ValueError, "corpus is empty"),
    ("q", (), {}, ValueError, "corpus is empty"),
    ("q", pd.Series([], dtype=object), {}, ValueError, "corpus is empty"),
    ("q", np.zeros((0, 8)), {}, ValueError, "corpus is empty"),
    (np.ones(8), [], {}, ValueError, "corpus is empty"),
])
def test_search_checks_k_and_corpus_before_any_request(emu, query, corpus, kwargs, exc, pattern):
    rec = Recorder(emu.transport())
    with _client(emu, rec) as client:
        with pytest.raises(exc, match=pattern):
            lco.search(query, corpus, client=client, **kwargs)
    assert rec.requests == 0
