"""models.list / retrieve / delete: paths, path params and the iterable list."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _fake_requester import FakeRequester  # noqa: E402
from _schema import validate_response  # noqa: E402

from lcoai_notebook._models import Result  # noqa: E402
from lcoai_notebook.api.models import ModelList, Models  # noqa: E402

LIST = {"object": "list", "data": [
    {"id": "gpt-4o-mini", "object": "model", "created": 1, "owned_by": "system"},
    {"id": "whisper-1", "object": "model", "created": 2, "owned_by": "system"},
]}


def test_list():
    validate_response("listModels", LIST)
    fake = FakeRequester(reply=LIST)
    models = Models(fake).list(extra_query={"a": "b"}, timeout=5)
    spec = fake.spec
    assert (spec.method, spec.path, spec.path_params, spec.json) == ("GET", "/models", {}, None)
    assert spec.query == {"a": "b"} and spec.timeout == 5
    assert isinstance(models, ModelList)
    assert [m.id for m in models] == ["gpt-4o-mini", "whisper-1"]
    assert len(models) == 2 and models[1].id == "whisper-1" and models.ids[0] == "gpt-4o-mini"
    assert [m.id for m in models.data] == ["gpt-4o-mini", "whisper-1"]
    assert models["object"] == "list" and set(models.keys()) == {"object", "data"}
    assert models.to_dict() == LIST
    assert "gpt-4o-mini" in repr(models)


def test_retrieve_uses_path_params():
    reply = {"id": "ft:gpt-4o-mini:org::abc", "object": "model", "created": 1, "owned_by": "me"}
    fake = FakeRequester(reply=reply)
    m = Models(fake).retrieve("ft:gpt-4o-mini:org::abc")
    spec = fake.spec
    assert (spec.method, spec.path) == ("GET", "/models/{model}")
    assert spec.path_params == {"model": "ft:gpt-4o-mini:org::abc"}
    assert isinstance(m, Result) and m.owned_by == "me"
    validate_response("retrieveModel", reply)


def test_delete():
    reply = {"id": "ft:x", "object": "model", "deleted": True}
    fake = FakeRequester(reply=reply)
    out = Models(fake).delete("ft:x", extra_headers={"h": "1"})
    assert (fake.spec.method, fake.spec.path, fake.spec.path_params) == (
        "DELETE", "/models/{model}", {"model": "ft:x"})
    assert fake.spec.headers == {"h": "1"}
    assert out.deleted is True
    validate_response("deleteModel", reply)


@pytest.mark.parametrize(("call", "exc", "pattern"), [
    (lambda m: m.retrieve(""), ValueError, r"model must be a non-empty id"),
    (lambda m: m.retrieve(None), TypeError, r"model must be a string id"),
    (lambda m: m.delete("../files"), ValueError, r"not a path"),
    (lambda m: m.list(limit=3), TypeError,
     r"unexpected keyword argument\(s\) 'limit'.*extra_query"),
])
def test_bad_arguments_send_nothing(call, exc, pattern):
    fake = FakeRequester(reply=LIST)
    with pytest.raises(exc, match=pattern):
        call(Models(fake))
    assert fake.specs == []


# -- end to end, against the emulator in process, both flavors -----------------------------------
from _api_fakes import EmulatedClient  # noqa: E402

from lcoai_notebook._exceptions import NotFoundError, PermissionDeniedError  # noqa: E402


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_e2e_models(flavor):
    with EmulatedClient(flavor) as (client, wire):
        models = client.models.list()
        validate_response("listModels", models.to_dict())
        assert "gpt-4o-mini" in models.ids and len(list(models)) == len(models) > 5
        one = client.models.retrieve("gpt-4o-mini")
        validate_response("retrieveModel", one.to_dict())
        assert one.id == "gpt-4o-mini"
        url = str(wire.requests[-1].url)
        assert "/models/gpt-4o-mini" in url or "model=gpt-4o-mini" in url
        with pytest.raises(NotFoundError):
            client.models.retrieve("no-such-model")
        with pytest.raises(PermissionDeniedError):
            client.models.delete("gpt-4o-mini")  # only fine-tuned models can be deleted
        assert wire.requests[-1].method == "DELETE"


@pytest.mark.parametrize("url_format", ["new", "old"])
def test_e2e_retrieve_in_both_path_formats(url_format):
    with EmulatedClient("lowcodeapi", client_kw={"url_format": url_format}) as (client, wire):
        assert client.models.retrieve("whisper-1").id == "whisper-1"
        url = wire.requests[-1].url
        if url_format == "new":
            assert url.path == "/openai/v1/models/whisper-1"
        else:
            assert url.path == "/openai/v1/models/model" and url.params["model"] == "whisper-1"
