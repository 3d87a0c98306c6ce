"""Signatures are documentation in a notebook (issue 11): named parameters, a "not given"
sentinel, close-match suggestions for misspelt keywords, and IPython's signature help."""

from __future__ import annotations

import copy
import inspect
import pickle

import httpx
import pytest

import lcoai_notebook as lco
from lcoai_notebook._types import NOT_GIVEN, NotGiven

CHAT_PARAMS = ("model", "messages", "stream", "temperature", "max_completion_tokens",
               "reasoning_effort", "tools", "response_format", "seed", "extra_headers",
               "extra_query", "extra_body", "timeout", "max_retries")


@pytest.fixture
def sent():
    return []


@pytest.fixture
def client(sent):
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"id": "x", "object": "chat.completion", "choices": []})

    return lco.Client(api_token="sk-test", flavor="openai", base_url="https://example.test/v1",
                      max_retries=0,
                      http_client=httpx.Client(transport=httpx.MockTransport(handler)))


def test_not_given_sentinel():
    assert not NOT_GIVEN and repr(NOT_GIVEN) == "NOT_GIVEN"
    assert NotGiven() is NOT_GIVEN
    assert copy.deepcopy(NOT_GIVEN) is NOT_GIVEN
    assert pickle.loads(pickle.dumps(NOT_GIVEN)) is NOT_GIVEN


def test_chat_signature_names_documented_parameters(client):
    params = inspect.signature(client.chat.completions.create).parameters
    for name in CHAT_PARAMS:
        assert name in params, name
    assert params["temperature"].default is NOT_GIVEN
    assert params["temperature"].kind is inspect.Parameter.KEYWORD_ONLY
    assert not any(p.kind is p.VAR_KEYWORD for p in params.values())
    doc = inspect.getdoc(client.chat.completions.create) or ""
    for name in CHAT_PARAMS:
        assert f"{name} :" in doc or f"{name}," in doc, name


def test_unset_parameters_are_not_sent(client, sent):
    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}],
                                   temperature=0.5)
    import json

    body = json.loads(sent[0].content)
    assert body == {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}],
                    "temperature": 0.5}


def test_misspelt_keyword_suggests_close_match(client, sent):
    with pytest.raises(TypeError, match=r"did you mean max_completion_tokens\?") as info:
        client.chat.completions.create(model="gpt-4o-mini", messages=[],
                                       max_completion_token=5)
    assert "reasoning_effort" in str(info.value) and "extra_body" in str(info.value)
    assert sent == []


def test_unknown_field_goes_through_extra_body(client, sent):
    import json

    client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "x"}],
                                   extra_body={"brand_new_field": 1})
    assert json.loads(sent[0].content)["brand_new_field"] == 1


def test_value_errors_are_not_mistaken_for_bad_names(client):
    with pytest.raises(ValueError, match="temperature must be between 0 and 2"):
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user",
                                       "content": "x"}], temperature=3)
    with pytest.raises(TypeError, match="temperature must be a number"):
        client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user",
                                       "content": "x"}], temperature="hot")


@pytest.mark.parametrize(("path", "names"), [
    ("embeddings.create", ("input", "model", "dimensions", "encoding_format", "extra_body")),
    ("images.generate", ("prompt", "size", "quality", "output_format", "background", "timeout")),
    ("images.edit", ("image", "mask", "input_fidelity", "extra_headers")),
    ("audio.transcriptions.create", ("file", "model", "response_format", "stream", "include")),
    ("audio.translations.create", ("file", "model", "prompt", "extra_query")),
    ("audio.speech.create", ("model", "input", "voice", "speed", "instructions")),
    ("moderations.create", ("input", "model", "max_retries")),
    ("completions.create", ("model", "prompt", "suffix", "echo", "best_of", "extra_body")),
])
def test_other_signatures(client, path, names):
    method = client
    for part in path.split("."):
        method = getattr(method, part)
    params = inspect.signature(method).parameters
    assert set(names) <= set(params), set(names) - set(params)
    assert not any(p.kind is p.VAR_KEYWORD for p in params.values())


def test_return_annotations_name_result_classes():
    from lcoai_notebook.api.chat import ChatCompletions
    from lcoai_notebook.api.embeddings import Embeddings

    assert "ChatCompletion" in inspect.signature(ChatCompletions.create).return_annotation
    assert "Stream[ChatCompletionChunk]" in \
        inspect.signature(ChatCompletions.create).return_annotation
    assert inspect.signature(Embeddings.create).return_annotation == "CreateEmbeddingResponse"


def test_ipython_signature_help(client):
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.user_ns["client"] = client
    # What Shift+Tab shows in Jupyter: the inspector's definition line and docstring.
    info = shell.object_inspect("client.chat.completions.create")
    definition = info.get("definition") or ""
    for name in ("temperature", "max_completion_tokens", "reasoning_effort", "extra_body"):
        assert name in definition, name
    assert "max_completion_tokens : int, optional" in (info.get("docstring") or "")


def test_jedi_call_signature(client):
    jedi = pytest.importorskip("jedi")
    source = "client.chat.completions.create("
    sigs = jedi.Interpreter(source, [{"client": client}]).get_signatures(1, len(source))
    assert sigs, "jedi found no signature"
    names = {p.name for p in sigs[0].params}
    assert {"temperature", "max_completion_tokens", "tools", "timeout"} <= names
