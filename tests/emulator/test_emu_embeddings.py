"""Embeddings route of the emulator: lexical similarity, dimensions, formats, limits."""

from __future__ import annotations

import base64
import time

import numpy as np
import pytest
from _emu_stub import StubApp, call, error_of
from _schema import validate_response

PATH = "/v1/embeddings"
CATS = ["The cat sat on the mat and purred.", "My cat chases the cat toy; cats love mats.",
        "A small cat purred on a warm mat."]
MONEY = ["Stock markets fell as interest rates rose.", "Bond yields and interest rates climbed.",
         "The central bank raised interest rates again."]


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def embed(app: StubApp, inputs, **kw) -> np.ndarray:
    body = call(app, "POST", PATH, {"model": "text-embedding-3-small", "input": inputs, **kw})
    if kw.get("encoding_format") == "base64":
        # The spec types `embedding` only as a float array; base64 swaps in a string.
        validate_response("createEmbedding", {**body, "data": [
            {**d, "embedding": []} for d in body["data"]]})
        assert all(isinstance(d["embedding"], str) for d in body["data"])
    else:
        validate_response("createEmbedding", body)
    assert [d["index"] for d in body["data"]] == list(range(len(body["data"])))
    if kw.get("encoding_format") == "base64":
        return np.stack([np.frombuffer(base64.b64decode(d["embedding"]), dtype="<f4")
                         for d in body["data"]])
    return np.array([d["embedding"] for d in body["data"]], dtype=np.float32)


@pytest.mark.parametrize(("model", "dim"), [("text-embedding-3-small", 1536),
                                            ("text-embedding-3-large", 3072),
                                            ("text-embedding-ada-002", 1536)])
def test_model_dimension_and_unit_norm(app, model, dim):
    body = call(app, "POST", PATH, {"model": model, "input": "hello world"})
    validate_response("createEmbedding", body)
    vec = np.array(body["data"][0]["embedding"])
    assert vec.shape == (dim,) and abs(np.linalg.norm(vec) - 1) < 1e-5
    assert body["model"] == model and body["usage"]["prompt_tokens"] == 3


def test_shared_words_are_measurably_more_similar(app):
    m = embed(app, CATS + MONEY)
    sim = m @ m.T
    within = np.mean([sim[i, j] for g in (range(3), range(3, 6)) for i in g for j in g if i < j])
    across = np.mean(sim[:3, 3:])
    assert within > across + 0.1
    for i in range(6):  # every text's nearest other text is in its own group
        others = [j for j in range(6) if j != i]
        assert (max(others, key=lambda j: sim[i, j]) < 3) == (i < 3)


def test_deterministic_and_seeded(app):
    a, b = embed(app, CATS), embed(StubApp(), CATS)
    assert np.array_equal(a, b)
    assert not np.allclose(a, embed(StubApp(seed=7), CATS))


def test_base64_is_little_endian_float32_of_the_same_vectors(app):
    floats = embed(app, CATS)
    b64 = embed(app, CATS, encoding_format="base64")
    assert b64.dtype == np.float32 and np.array_equal(floats, b64)


def test_dimensions_truncate_then_renormalise(app):
    full = embed(app, CATS)
    short = embed(app, CATS, dimensions=256)
    assert short.shape == (3, 256)
    expected = full[:, :256] / np.linalg.norm(full[:, :256], axis=1, keepdims=True)
    assert np.allclose(short, expected, atol=1e-6)


def test_token_inputs(app):
    m = embed(app, [[1, 2, 3, 4], [1, 2, 3, 5], [900, 901, 902, 903]])
    assert m[0] @ m[1] > m[0] @ m[2] + 0.2
    body = call(app, "POST", PATH, {"model": "text-embedding-3-small", "input": [5, 6, 7]})
    assert len(body["data"]) == 1 and body["usage"]["prompt_tokens"] == 3


def test_2048_inputs_of_1536_dims_are_fast(app):
    import random

    r = random.Random(0)
    vocab = ["".join(r.choices("abcdefghijklmnop", k=r.randint(3, 9))) for _ in range(4000)]
    texts = [" ".join(r.choices(vocab, k=12)) for _ in range(2048)]
    t0 = time.perf_counter()
    body = call(app, "POST", PATH, {"model": "text-embedding-3-small", "input": texts,
                                    "encoding_format": "base64"})
    elapsed = time.perf_counter() - t0
    # ~0.1-0.3 s when idle (cold word cache); the slack is for a loaded 2-core CI machine.
    assert len(body["data"]) == 2048 and elapsed < 1.5, elapsed


@pytest.mark.parametrize(("body", "param", "status"), [
    ({"input": "x"}, None, 400),  # "you must provide a model parameter"
    ({"model": "text-embedding-3-small"}, "input", 400),
    ({"model": "text-embedding-3-small", "input": ""}, "input", 400),
    ({"model": "text-embedding-3-small", "input": ["ok", ""]}, "input", 400),
    ({"model": "text-embedding-3-small", "input": []}, "input", 400),
    ({"model": "text-embedding-3-small", "input": ["a"] * 2049}, "input", 400),
    ({"model": "text-embedding-3-small", "input": 3.5}, "input", 400),
    ({"model": "text-embedding-3-small", "input": ["a", 1]}, "input", 400),
    ({"model": "text-embedding-3-small", "input": "word " * 9000}, "input", 400),
    ({"model": "text-embedding-3-small", "input": "x", "encoding_format": "int8"},
     "encoding_format", 400),
    ({"model": "text-embedding-3-small", "input": "x", "dimensions": 0}, "dimensions", 400),
    ({"model": "text-embedding-3-small", "input": "x", "dimensions": 4000}, "dimensions", 400),
    ({"model": "text-embedding-ada-002", "input": "x", "dimensions": 256}, "dimensions", 400),
    ({"model": "gpt-4o-mini", "input": "x"}, "model", 400),
    ({"model": "text-embedding-4", "input": "x"}, "model", 404),
])
def test_bad_requests(app, body, param, status):
    err = error_of(app, "POST", PATH, body)
    assert err.status == status and err.param == param and err.message


def test_empty_string_uses_openais_message(app):
    err = error_of(app, "POST", PATH, {"model": "text-embedding-3-small", "input": [""]})
    assert err.message.startswith("'$.input' is invalid.")
    err = error_of(app, "POST", PATH, {"model": "text-embedding-ada-002", "input": "x",
                                       "dimensions": 8})
    assert err.message == "This model does not support specifying dimensions."


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_through_the_in_process_transport(flavor):
    from _emu_stub import emulator_http, result_of

    client, base, auth = emulator_http(flavor)
    with client:
        req = {"model": "text-embedding-3-large", "input": CATS, "dimensions": 64}
        floats = result_of(flavor, client.post(f"{base}/v1/embeddings", json=req, **auth))
        validate_response("createEmbedding", floats)
        b64 = result_of(flavor, client.post(f"{base}/v1/embeddings",
                                            json={**req, "encoding_format": "base64"}, **auth))
    a = np.array([d["embedding"] for d in floats["data"]], dtype=np.float32)
    b = np.stack([np.frombuffer(base64.b64decode(d["embedding"]), "<f4") for d in b64["data"]])
    assert a.shape == (3, 64) and np.array_equal(a, b)
