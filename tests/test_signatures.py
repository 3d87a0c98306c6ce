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


# -- the resources of models, files, fine-tuning, batches, uploads, responses, stored chat -------
OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")

# (client path, parameters the method must name beyond OPTIONS, the return annotation)
RESOURCE_METHODS = [
    ("models.list", (), "ModelList"),
    ("models.retrieve", ("model",), "Model"),
    ("models.delete", ("model",), "ModelDeleted"),
    ("files.create", ("file", "purpose", "expires_after"), "FileObject"),
    ("files.list", ("purpose", "limit", "order", "after"), "SyncPage[FileObject]"),
    ("files.retrieve", ("file_id",), "FileObject"),
    ("files.delete", ("file_id",), "FileDeleted"),
    ("files.content", ("file_id",), "FileContent"),
    ("fine_tuning.jobs.create", ("model", "training_file", "hyperparameters", "integrations",
                                 "metadata", "method", "seed", "suffix", "validation_file"),
     "FineTuningJob"),
    ("fine_tuning.jobs.list", ("after", "limit", "metadata"), "SyncPage[FineTuningJob]"),
    ("fine_tuning.jobs.retrieve", ("fine_tuning_job_id",), "FineTuningJob"),
    ("fine_tuning.jobs.cancel", ("fine_tuning_job_id",), "FineTuningJob"),
    ("fine_tuning.jobs.list_events", ("fine_tuning_job_id", "after", "limit"),
     "SyncPage[FineTuningJobEvent]"),
    ("fine_tuning.jobs.checkpoints.list", ("fine_tuning_job_id", "after", "limit"),
     "SyncPage[FineTuningJobCheckpoint]"),
    ("fine_tuning.jobs.list_checkpoints", ("fine_tuning_job_id", "after", "limit"),
     "SyncPage[FineTuningJobCheckpoint]"),
    ("batches.create", ("input_file_id", "endpoint", "completion_window", "metadata",
                        "output_expires_after"), "Batch"),
    ("batches.list", ("after", "limit"), "SyncPage[Batch]"),
    ("batches.retrieve", ("batch_id",), "Batch"),
    ("batches.cancel", ("batch_id",), "Batch"),
    ("uploads.create", ("bytes", "filename", "mime_type", "purpose", "expires_after"), "Upload"),
    ("uploads.complete", ("upload_id", "part_ids", "md5"), "Upload"),
    ("uploads.cancel", ("upload_id",), "Upload"),
    ("uploads.parts.create", ("upload_id", "data"), "UploadPart"),
    ("responses.create", ("model", "input", "stream", "background", "conversation", "include",
                          "instructions", "max_output_tokens", "max_tool_calls", "metadata",
                          "previous_response_id", "prompt", "reasoning", "store", "text",
                          "tool_choice", "tools", "top_logprobs", "truncation", "user"),
     "Response | ResponseStream"),
    ("responses.stream", ("model", "input", "instructions", "tools", "text"), "ResponseStream"),
    ("responses.retrieve", ("response_id", "stream", "include", "include_obfuscation",
                            "starting_after"), "Response | ResponseStream"),
    ("responses.delete", ("response_id",), "ResponseDeleted"),
    ("responses.cancel", ("response_id",), "Response"),
    ("responses.input_items.list", ("response_id", "after", "include", "limit", "order"),
     "SyncPage[ResponseItem]"),
    ("chat.completions.retrieve", ("completion_id",), "ChatCompletion"),
    ("chat.completions.list", ("after", "limit", "metadata", "model", "order"),
     "SyncPage[ChatCompletion]"),
    ("chat.completions.update", ("completion_id", "metadata"), "ChatCompletion"),
    ("chat.completions.delete", ("completion_id",), "ChatCompletionDeleted"),
    ("chat.completions.messages.list", ("completion_id", "after", "limit", "order"),
     "SyncPage[ChatCompletionStoreMessage]"),
]


def _method(client, path):
    method = client
    for part in path.split("."):
        method = getattr(method, part)
    return method


@pytest.mark.parametrize(("path", "names", "returns"), RESOURCE_METHODS,
                         ids=[m[0] for m in RESOURCE_METHODS])
def test_resource_signatures_name_documented_parameters(client, path, names, returns):
    method = _method(client, path)
    sig = inspect.signature(method)
    params = sig.parameters
    assert not any(p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in params.values())
    assert set(names) | set(OPTIONS) <= set(params), (set(names) | set(OPTIONS)) - set(params)
    for name, p in params.items():
        if p.default is not p.empty and name not in OPTIONS and name != "stream" \
                and name != "completion_window":
            assert p.default is NOT_GIVEN, (name, p.default)
    assert sig.return_annotation == returns
    doc = inspect.getdoc(method) or ""
    assert "Returns\n-------" in doc
    documented = doc if path != "responses.stream" else inspect.getdoc(client.responses.create)
    for name in params:
        assert f"{name} :" in documented or f"{name}," in documented, name


@pytest.mark.parametrize(("path", "names"), [
    ("fine_tuning.jobs.wait", ("fine_tuning_job_id", "poll_interval", "timeout", "progress",
                               "extra_headers", "extra_query", "max_retries")),
    ("batches.wait", ("batch_id", "poll_interval", "timeout", "progress", "extra_headers",
                      "extra_query", "max_retries")),
    ("batches.results", ("batch", "extra_headers", "extra_query", "timeout", "max_retries")),
    ("batches.run", ("requests", "endpoint", "completion_window", "metadata", "poll_interval",
                     "timeout", "progress", "extra_headers", "extra_query", "max_retries")),
])
def test_helper_signatures_have_no_catch_all(client, path, names):
    params = inspect.signature(_method(client, path)).parameters
    assert list(params) == list(names)
    doc = inspect.getdoc(_method(client, path)) or ""
    for name in names:
        assert f"{name} :" in doc or f"{name}," in doc, name


@pytest.fixture
def oai():
    """An OpenAI-flavor client over a recording MockTransport answering ``{}``-ish bodies."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"object": "list", "data": [], "has_more": False,
                                         "id": "x"})

    client = lco.Client(api_token="sk-test", flavor="openai", base_url="https://example.test/v1",
                        max_retries=0,
                        http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    return client, sent


# One misspelt keyword per module, each refused with the close match before anything is sent.
@pytest.mark.parametrize(("call", "suggested"), [
    (lambda c: c.models.list(extra_heders={"a": "b"}), "extra_headers"),
    (lambda c: c.files.list(purpse="batch"), "purpose"),
    (lambda c: c.fine_tuning.jobs.create(model="m", training_fle="file-1"), "training_file"),
    (lambda c: c.fine_tuning.jobs.checkpoints("ftjob-1", limt=2), "limit"),
    (lambda c: c.batches.create(input_file="file-1", endpoint="/v1/embeddings"),
     "input_file_id"),
    (lambda c: c.uploads.create(bytes=1, filename="a.txt", mimetype="text/plain",
                                purpose="assistants"), "mime_type"),
    (lambda c: c.responses.create(model="gpt-4.1-mini", input="hi", max_output_token=20),
     "max_output_tokens"),
    (lambda c: c.chat.completions.list(ordr="asc"), "order"),
    (lambda c: c.chat.completions.messages.list("chatcmpl-1", limitt=3), "limit"),
])
def test_misspelt_keywords_in_resources(oai, call, suggested):
    client, sent = oai
    with pytest.raises(TypeError, match=rf"did you mean {suggested}\?"):
        call(client)
    assert sent == []


def test_chat_parameter_names_carried_to_responses_are_explained(oai):
    client, sent = oai
    with pytest.raises(TypeError, match=r"'response_format' \(a chat-completions parameter; "
                                        r"the Responses API takes text="):
        client.responses.create(model="gpt-4.1-mini", input="hi",
                                response_format={"type": "json_object"})
    assert sent == []


def test_unset_parameters_of_resources_are_not_sent(oai):
    import json

    client, sent = oai
    client.files.list()
    client.batches.create(input_file_id="file-1", endpoint="/v1/embeddings")
    client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file="file-1", seed=None)
    client.responses.create(model="gpt-4.1-mini", input="hi", temperature=0.5)
    client.uploads.complete("upload_1", part_ids=["part_1"])
    client.fine_tuning.jobs.list_events("ftjob-1", limit=5)
    assert [str(r.url.query, "ascii") for r in sent] == ["", "", "", "", "", "limit=5"]
    assert [json.loads(r.content) for r in sent[1:5]] == [
        {"input_file_id": "file-1", "endpoint": "/v1/embeddings", "completion_window": "24h"},
        {"model": "gpt-4o-mini", "training_file": "file-1"},
        {"model": "gpt-4.1-mini", "input": "hi", "temperature": 0.5},
        {"part_ids": ["part_1"]},
    ]


def test_per_call_options_reach_every_request_kind(oai):
    client, sent = oai
    client.models.retrieve("gpt-4o-mini", extra_headers={"X-A": "1"}, extra_query={"q": "2"})
    client.files.create(file=("a.jsonl", b"{}\n"), purpose="batch",
                        extra_body={"brand_new": "x"})
    client.batches.cancel("batch_1", extra_body={"reason": "done"})
    assert sent[0].headers["X-A"] == "1" and sent[0].url.params["q"] == "2"
    assert b'name="brand_new"' in sent[1].content and b"\r\n\r\nx\r\n" in sent[1].content
    assert b'"reason":"done"' in sent[2].content.replace(b" ", b"")
    with pytest.raises(TypeError, match="unexpected keyword argument.*GET /files: q"):
        client.files.list(extra_body={"q": 1})  # a GET has no body to put it in
    assert len(sent) == 3


def test_results_are_typed_and_still_behave_as_results():
    from lcoai_notebook._models import (
        Batch,
        FileDeleted,
        FileObject,
        FineTuningJob,
        Model,
        Result,
        Upload,
    )
    from lcoai_notebook.emulator import Emulator

    # In process (no server, no socket): the emulator's own transport.
    client = Emulator(flavor="openai").client()
    models = client.models.list()
    first = models[0]
    assert type(first) is Model and [type(m) for m in models][:1] == [Model]
    assert type(client.models.retrieve(first.id)) is Model
    f = client.files.create(file=("in.jsonl", b'{"a": 1}\n'), purpose="batch")
    assert type(f) is FileObject and isinstance(f, Result)
    assert f == f.to_dict() and dict(f) == f.to_dict() and f["id"] == f.id
    assert {"id", "bytes", "filename", "purpose", "status"} <= set(dir(f))
    assert repr(f).startswith("FileObject({") and f._repr_html_ is None  # plain text only
    listed = list(client.files.list())
    assert listed and all(type(x) is FileObject for x in listed)
    up = client.uploads.create(bytes=3, filename="n.txt", mime_type="text/plain",
                               purpose="assistants")
    assert type(up) is Upload and up.file is None
    part = client.uploads.parts.create(up.id, data=b"abc")
    done = client.uploads.complete(up.id, part_ids=[part.id])
    assert type(done.file) is FileObject and done.file.bytes == 3
    assert "file" in dir(done) and "status" in dir(done)
    batch = client.batches.create(input_file_id=f.id, endpoint="/v1/embeddings")
    assert type(batch) is Batch and type(client.batches.retrieve(batch.id)) is Batch
    assert all(type(b) is Batch for b in client.batches.list(limit=2))
    gone = client.files.delete(done.file.id)
    assert type(gone) is FileDeleted and gone.deleted is True
    import pickle

    job = FineTuningJob({"id": "ftjob-1", "status": "queued"})
    assert pickle.loads(pickle.dumps(job)) == job and type(pickle.loads(pickle.dumps(job))) \
        is FineTuningJob
    assert job.fine_tuned_model is None  # a field the service left out reads as None


def test_responses_retrieve_can_replay_a_stream():
    import json

    events = [
        {"type": "response.output_text.delta", "sequence_number": 3, "item_id": "msg_1",
         "output_index": 0, "content_index": 0, "delta": "Hi"},
        {"type": "response.completed", "sequence_number": 4,
         "response": {"id": "resp_1", "object": "response", "status": "completed",
                      "output": []}},
    ]
    body = b"".join(b"event: " + e["type"].encode() + b"\ndata: " + json.dumps(e).encode()
                    + b"\n\n" for e in events)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    client = lco.Client(api_token="sk-test", flavor="openai", base_url="https://example.test/v1",
                        max_retries=0,
                        http_client=httpx.Client(transport=httpx.MockTransport(handler)))
    from lcoai_notebook.api.responses import ResponseStream

    with client.responses.retrieve("resp_1", stream=True, starting_after=2,
                                   include_obfuscation=False) as stream:
        assert isinstance(stream, ResponseStream)
        assert [e.type for e in stream] == ["response.output_text.delta", "response.completed"]
    assert stream.text == "Hi" and stream.response is not None
    params = seen[0].url.params
    assert (seen[0].method, params["stream"], params["starting_after"],
            params["include_obfuscation"]) == ("GET", "true", "2", "false")
    with pytest.raises(ValueError, match="starting_after"):
        client.responses.retrieve("resp_1", stream=True, starting_after=-1)
    assert len(seen) == 1
