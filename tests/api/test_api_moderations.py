"""moderations.create: body schema, casting, validation."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _fake_requester import FakeRequester  # noqa: E402
from _schema import validate_request, validate_response  # noqa: E402

from lcoai_notebook._models import ModerationResponse  # noqa: E402
from lcoai_notebook.api.moderations import Moderations  # noqa: E402

CATS = ["hate", "hate/threatening", "harassment", "harassment/threatening", "illicit",
        "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions", "sexual",
        "sexual/minors", "violence", "violence/graphic"]


def result(flagged: bool) -> dict:
    return {"flagged": flagged,
            "categories": {c: (flagged and c == "violence") for c in CATS},
            "category_scores": {c: (0.9 if flagged and c == "violence" else 0.01) for c in CATS},
            "category_applied_input_types": {c: ["text"] for c in CATS}}


REPLY = {"id": "modr-1", "model": "omni-moderation-latest",
         "results": [result(False), result(True)]}


def test_reply_is_schema_valid():
    validate_response("createModeration", REPLY)


def test_create_and_cast():
    fake = FakeRequester(reply=REPLY)
    resp = Moderations(fake).create(input=["hello", "I will hurt them"],
                                    model="omni-moderation-latest")
    spec = fake.spec
    assert (spec.method, spec.path) == ("POST", "/moderations")
    assert spec.json == {"input": ["hello", "I will hurt them"], "model": "omni-moderation-latest"}
    validate_request("createModeration", spec.json)
    assert isinstance(resp, ModerationResponse) and resp.flagged is True
    assert resp.results[1].categories["violence"] is True


def test_forms_of_input():
    fake = FakeRequester(reply=REPLY)
    api = Moderations(fake)
    api.create(input="just text")
    assert fake.spec.json == {"input": "just text"}
    parts = ({"type": "text", "text": "hi"},
             {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}})
    api.create(input=parts, model="some-future-moderation-model")
    assert fake.spec.json["input"] == list(parts)
    validate_request("createModeration", fake.spec.json)


@pytest.mark.parametrize(("kw", "exc", "pattern"), [
    ({"input": []}, ValueError, r"input must not be an empty list"),
    ({"input": 5}, TypeError, r"input must be a string, a list of strings"),
    ({"input": [{"type": "audio"}]}, TypeError, r"input\[0\] must be a string or a"),
    ({"input": "x", "model": "gpt-4o"}, ValueError, r"is a chat model, not a moderation model"),
    ({"input": "x", "model": ""}, ValueError, r"model must be a non-empty model id"),
])
def test_validation(kw, exc, pattern):
    fake = FakeRequester(reply=REPLY)
    with pytest.raises(exc, match=pattern):
        Moderations(fake).create(**kw)
    assert fake.specs == []


# -- end to end, against the emulator in process, both flavors -----------------------------------
from _api_fakes import EmulatedClient  # noqa: E402


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_e2e_moderation(flavor):
    with EmulatedClient(flavor) as (client, wire):
        resp = client.moderations.create(input=["I love puppies", "I will kill you"])
        validate_response("createModeration", resp.to_dict())
        assert [r.flagged for r in resp.results] == [False, True]
        assert resp.flagged is True
        assert len(resp.results[0].category_scores) == 13
        with pytest.raises(ValueError):
            client.moderations.create(input=[])
        assert len(wire.requests) == 1
