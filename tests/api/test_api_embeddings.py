"""embeddings.create: base64 by default decoded into one float32 matrix, request schema, errors."""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _fake_requester import FakeRequester  # noqa: E402
from _schema import validate_request, validate_response  # noqa: E402

from lcoai_notebook._exceptions import APIResponseValidationError  # noqa: E402
from lcoai_notebook._models import CreateEmbeddingResponse  # noqa: E402
from lcoai_notebook.api.embeddings import Embeddings, decode_embeddings  # noqa: E402

RNG = np.random.default_rng(0)
VECTORS = RNG.standard_normal((5, 8)).astype("<f4")
ORDER = [3, 0, 4, 1, 2]  # the service may list items out of order; index is what counts


def body(encoding: str) -> dict:
    data = []
    for i in ORDER:
        emb = (base64.b64encode(VECTORS[i].tobytes()).decode() if encoding == "base64"
               else [float(x) for x in VECTORS[i]])
        data.append({"object": "embedding", "index": i, "embedding": emb})
    return {"object": "list", "data": data, "model": "text-embedding-3-small",
            "usage": {"prompt_tokens": 5, "total_tokens": 5}}


TEXTS = ["a", "b", "c", "d", "e"]


def create(fake, **kw):
    kw.setdefault("model", "text-embedding-3-small")
    kw.setdefault("input", TEXTS)
    return Embeddings(fake).create(**kw)


def test_canned_bodies_are_schema_valid():
    # Only the float form is in the spec; base64 strings are what the wire really carries.
    validate_response("createEmbedding", body("float"))


def test_default_asks_for_base64_and_decodes_rows():
    fake = FakeRequester(reply=body("base64"))
    resp = create(fake)
    assert fake.spec.json == {"input": TEXTS, "model": "text-embedding-3-small",
                              "encoding_format": "base64"}
    validate_request("createEmbedding", fake.spec.json)
    assert isinstance(resp, CreateEmbeddingResponse)
    mat = resp.to_numpy()
    assert mat.dtype == np.float32 and mat.shape == (5, 8) and mat.flags.c_contiguous
    np.testing.assert_array_equal(mat, VECTORS)  # ordered by index, bit-exact
    assert resp.to_numpy() is mat  # free: the one matrix, no recomputation
    for item in resp.data:
        row = item.embedding
        np.testing.assert_array_equal(row, VECTORS[item.index])
        assert np.shares_memory(row, mat)  # a view, not a copy
    # to_dict/JSON still work and give floats
    d = resp.to_dict()
    assert d["data"][0]["embedding"] == pytest.approx(VECTORS[ORDER[0]].tolist())
    json.dumps(d)


def test_explicit_base64_keeps_strings():
    fake = FakeRequester(reply=body("base64"))
    resp = create(fake, encoding_format="base64")
    assert fake.spec.json["encoding_format"] == "base64"
    assert isinstance(resp.data[0].embedding, str)
    assert resp.data[0].embedding == body("base64")["data"][0]["embedding"]
    np.testing.assert_array_equal(resp.to_numpy(), VECTORS)


def test_float_kept_as_lists():
    fake = FakeRequester(reply=body("float"))
    resp = create(fake, encoding_format="float", dimensions=8, user="u")
    assert fake.spec.json["encoding_format"] == "float"
    validate_request("createEmbedding", fake.spec.json)
    assert isinstance(resp.data[0].embedding, list)
    np.testing.assert_allclose(resp.to_numpy(), VECTORS, rtol=1e-6)


def test_server_ignoring_base64_still_decodes():
    fake = FakeRequester(reply=body("float"))
    resp = create(fake)
    np.testing.assert_allclose(resp.to_numpy(), VECTORS, rtol=1e-6)
    assert resp.to_numpy().dtype == np.float32


def test_empty_data():
    resp = decode_embeddings({"object": "list", "data": []}, rows_as_embedding=True)
    assert resp.to_numpy().shape == (0, 0)


@pytest.mark.parametrize("mutate, pattern", [
    (lambda b: b["data"][1].update(index=3), "out of range or repeated"),
    (lambda b: b["data"][1].update(index=9), "out of range or repeated"),
    (lambda b: b["data"][1].update(embedding=base64.b64encode(b"\0" * 12).decode()),
     "has 3 dimensions, item 0 has 8"),
    (lambda b: b["data"][0].update(embedding="AAA"), "not packed float32|Incorrect padding"),
    (lambda b: b.pop("data"), "no 'data' list"),
])
def test_malformed_base64_bodies(mutate, pattern):
    b = body("base64")
    mutate(b)
    with pytest.raises(APIResponseValidationError, match=pattern):
        decode_embeddings(b, rows_as_embedding=True)


def test_input_forms_are_json_ready():
    fake = FakeRequester(reply=body("float"))
    create(fake, input="one text")
    assert fake.spec.json["input"] == "one text"
    create(fake, input=("x", "y"))
    assert fake.spec.json["input"] == ["x", "y"]
    create(fake, input=np.array(["p", "q"]))
    assert fake.spec.json["input"] == ["p", "q"] and type(fake.spec.json["input"]) is list
    create(fake, input=[1, 2, 3])
    validate_request("createEmbedding", fake.spec.json)
    create(fake, input=[(1, 2), [3]])
    assert fake.spec.json["input"] == [[1, 2], [3]]
    validate_request("createEmbedding", fake.spec.json)


@pytest.mark.parametrize(("kw", "exc", "pattern"), [
    ({"input": []}, ValueError, r"input must not be empty"),
    ({"input": ""}, ValueError, r"input must not be an empty string"),
    ({"input": ["ok", ""]}, ValueError, r"input\[1\] is an empty string"),
    ({"input": ["x"] * 2049}, ValueError, r"input must have at most 2048 items \(got 2049\)"),
    ({"input": ["x", 3]}, TypeError, r"input\[1\] must be a string"),
    ({"input": [[1], []]}, ValueError, r"input\[1\] is an empty token list"),
    ({"input": [1.5]}, TypeError, r"input must be a string, a list of strings"),
    ({"input": {"a": 1}}, TypeError, r"input must be a string"),
    ({"encoding_format": "binary"}, ValueError, r"encoding_format must be one of: float, base64"),
    ({"dimensions": 0}, ValueError, r"dimensions must be at least 1 \(got 0\)"),
    ({"dimensions": "8"}, TypeError, r"dimensions must be an integer"),
    ({"dimensions": 4096}, ValueError,
     r"dimensions must be between 1 and 1536 for text-embedding-3-small \(got 4096\)"),
    ({"model": "text-embedding-ada-002", "dimensions": 256}, ValueError,
     r"dimensions is not supported by text-embedding-ada-002; models that accept it: "
     r"text-embedding-3-small, text-embedding-3-large"),
    ({"model": "gpt-4o"}, ValueError, r"is a chat model, not an embedding model"),
])
def test_validation_errors_send_nothing(kw, exc, pattern):
    fake = FakeRequester(reply=body("float"))
    with pytest.raises(exc, match=pattern):
        create(fake, **kw)
    assert fake.specs == []


def test_unknown_model_dimensions_pass_through():
    fake = FakeRequester(reply=body("float"))
    create(fake, model="my-embedder", dimensions=99999)
    assert fake.spec.json["dimensions"] == 99999


def test_per_call_options():
    fake = FakeRequester(reply=body("base64"))
    create(fake, timeout=2, extra_query={"x": "y"}, extra_body={"dimensions": 4})
    assert fake.spec.timeout == 2 and fake.spec.query == {"x": "y"}
    assert fake.spec.json["dimensions"] == 4


# -- end to end, against the emulator in process, both flavors -----------------------------------
from _api_fakes import EmulatedClient  # noqa: E402

FLAVORS = ["lowcodeapi", "openai"]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_e2e_default_base64_matches_float(flavor):
    texts = ["a cat sat on the mat", "a cat sat on a mat", "quarterly tax report"]
    with EmulatedClient(flavor) as (client, wire):
        fast = client.embeddings.create(model="text-embedding-3-small", input=texts)
        plain = client.embeddings.create(model="text-embedding-3-small", input=texts,
                                         encoding_format="float")
        b64 = client.embeddings.create(model="text-embedding-3-small", input=texts,
                                       encoding_format="base64")
        sent = [json.loads(r.content)["encoding_format"] for r in wire.requests]
    assert sent == ["base64", "float", "base64"]
    validate_response("createEmbedding", plain.to_dict())
    m = fast.to_numpy()
    assert m.shape == (3, 1536) and m.dtype == np.float32
    np.testing.assert_allclose(m, plain.to_numpy(), rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(b64.to_numpy(), m)
    assert isinstance(b64.data[0].embedding, str)
    # Lexical similarity survives the trip: the two cat sentences are closest.
    sims = m @ m.T
    assert sims[0, 1] > sims[0, 2]


@pytest.mark.parametrize("flavor", FLAVORS)
def test_e2e_dimensions_and_validation(flavor):
    with EmulatedClient(flavor) as (client, wire):
        resp = client.embeddings.create(model="text-embedding-3-large", input="x", dimensions=256)
        assert resp.to_numpy().shape == (1, 256)
        assert len(resp.data[0].embedding) == 256
        n = len(wire.requests)
        with pytest.raises(ValueError, match=r"input\[1\] is an empty string"):
            client.embeddings.create(model="text-embedding-3-large", input=["x", ""])
        assert len(wire.requests) == n


def test_e2e_async_and_real_http_agree():
    import asyncio

    from lcoai_notebook.emulator import Emulator

    texts = ["alpha beta", "beta gamma", "gamma delta"]
    emu = Emulator(flavor="lowcodeapi")

    async def run():
        client = emu.async_client()
        try:
            return await client.embeddings.create(model="text-embedding-3-small", input=texts)
        finally:
            await client.close()

    via_async = asyncio.run(run()).to_numpy()
    with Emulator(flavor="lowcodeapi") as served, served.client() as client:  # real loopback HTTP
        via_http = client.embeddings.create(model="text-embedding-3-small", input=texts)
    np.testing.assert_array_equal(via_async, via_http.to_numpy())
    assert np.shares_memory(via_http.data[2].embedding, via_http.to_numpy())
