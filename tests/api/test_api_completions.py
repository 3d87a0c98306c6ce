"""completions.create (legacy): body shape, prompt forms, streaming, validation."""

from __future__ import annotations

import asyncio

import pytest
from _fake_requester import FakeRequester
from _schema import validate_request, validate_response

from lcoai_notebook.api.completions import Completion, Completions

BODY = {"id": "cmpl-1", "object": "text_completion", "created": 1,
        "model": "gpt-3.5-turbo-instruct",
        "choices": [{"index": 0, "text": " there", "finish_reason": "stop", "logprobs": None}]}


@pytest.mark.parametrize("prompt", ["Say hi", ["a", "b"], [1, 2, 3], [[1, 2], [3]]])
def test_create_body_matches_schema(prompt):
    validate_response("createCompletion", BODY)
    req = FakeRequester(lambda spec: BODY)
    out = Completions(req).create(model="gpt-3.5-turbo-instruct", prompt=prompt, max_tokens=5,
                                  temperature=None, timeout=2)
    assert isinstance(out, Completion) and out.text == " there"
    spec = req.specs[0]
    assert (spec.method, spec.path, spec.stream, spec.timeout) == ("POST", "/completions",
                                                                   False, 2)
    assert spec.json == {"model": "gpt-3.5-turbo-instruct", "prompt": prompt, "max_tokens": 5}
    validate_request("createCompletion", spec.json)


def test_stream_returns_chunks():
    chunks = [dict(BODY, choices=[{"index": 0, "text": t, "finish_reason": None,
                                   "logprobs": None}]) for t in ("a", "b")]
    req = FakeRequester(lambda spec: chunks)
    out = Completions(req).create(model="m", prompt="x", stream=True)
    assert [c.text for c in out] == ["a", "b"] and all(isinstance(c, Completion) for c in out)
    assert req.specs[0].stream and req.specs[0].json["stream"] is True


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"model": "", "prompt": "x"}, TypeError, "model"),
    ({"model": "m", "prompt": None}, TypeError, "prompt"),
    ({"model": "m", "prompt": []}, TypeError, "prompt"),
    ({"model": "m", "prompt": ["a", 1]}, TypeError, "prompt"),
    ({"model": "m", "prompt": "x", "stream": "yes"}, TypeError, "stream"),
])
def test_bad_arguments(kwargs, exc, match):
    req = FakeRequester(lambda spec: BODY)
    with pytest.raises(exc, match=match):
        Completions(req).create(**kwargs)
    assert req.specs == []


def test_async_and_empty_choices():
    req = FakeRequester(lambda spec: dict(BODY, choices=[]), is_async=True)
    out = asyncio.run(Completions(req).create(model="m", prompt="x"))
    assert out.text == ""


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_e2e_completions_plain_and_stream(flavor):
    from lcoai_notebook.emulator import Emulator

    with Emulator(flavor=flavor).client() as client:
        out = client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hi",
                                        max_tokens=5)
        validate_response("createCompletion", out.to_dict())
        assert out.text and out.choices[0].finish_reason == "length"
        with client.completions.create(model="gpt-3.5-turbo-instruct", prompt="Say hi",
                                       max_tokens=5, stream=True) as stream:
            text = "".join(chunk.text for chunk in stream)
        assert text == out.text
