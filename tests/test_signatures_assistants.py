"""Issue 11 for the Assistants family (``client.beta.*``, ``client.vector_stores.*``): every
method names the parameters OpenAI documents (read from the OpenAPI spec, not restated here),
sends nothing it was not given, refuses a misspelt keyword with the close match, and returns a
named result class (overloaded on ``stream`` where the call can stream)."""

from __future__ import annotations

import inspect
import json
import shutil
import subprocess
import typing
from pathlib import Path

import pytest
from _fake_requester import FakeRequester
from _schema import _resolve_ref, operations

from lcoai_notebook import _models_assistants as models
from lcoai_notebook._models import Result
from lcoai_notebook._pagination import SyncPage
from lcoai_notebook._types import NOT_GIVEN
from lcoai_notebook.api import beta as beta_module
from lcoai_notebook.api import vector_stores as vs_module
from lcoai_notebook.api.beta import Beta
from lcoai_notebook.api.vector_stores import VectorStores

ROOT = Path(__file__).resolve().parent.parent
PER_CALL = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")
# The polling helpers: ``timeout`` is the wait's deadline, and only the first request has a body.
POLL_PER_CALL = ("extra_headers", "extra_query", "max_retries", "timeout")
RESOURCE_CLASSES = [beta_module.Assistants, beta_module.Threads, beta_module.Messages,
                    beta_module.Runs, beta_module.Steps, vs_module.VectorStores,
                    vs_module.VectorStoreFiles, vs_module.VectorStoreFileBatches]

EMPTY_LIST = {"object": "list", "data": [], "has_more": False}


def _answer(spec):
    if spec.method == "GET" and not spec.path.endswith("}"):
        return {"object": "list", "data": [{"id": "item_1", "object": "x", "status": "completed"}],
                "has_more": False}
    if spec.path.endswith("/search"):
        return {"object": "vector_store.search_results.page", "search_query": ["q"],
                "data": [{"file_id": "file-1", "filename": "a.txt", "score": 0.5,
                          "attributes": {}, "content": [{"type": "text", "text": "hi"}]}],
                "has_more": False, "next_page": None}
    return {"id": "obj_1", "object": "x", "thread_id": "thread_1", "status": "completed",
            "deleted": True}


@pytest.fixture
def req():
    return FakeRequester(_answer, flavor="openai")


@pytest.fixture
def b(req):
    return Beta(req)


@pytest.fixture
def vs(req):
    return VectorStores(req)


def _method(root: str, b: Beta, vs: VectorStores):
    obj: typing.Any = b if root.startswith("beta.") else vs
    for part in root.split(".")[1:]:
        obj = getattr(obj, part)
    return obj


def _documented(operation_id: str) -> tuple[set[str], set[str]]:
    """The (all, required) parameter names OpenAI documents for an operation: path and query
    parameters (``include[]`` read as ``include``) and the JSON body's properties."""
    _, _, op = operations()[operation_id]
    names: set[str] = set()
    required: set[str] = set()
    for param in op.get("parameters", []):
        param = _resolve_ref(param)
        name = param["name"].removesuffix("[]")
        names.add(name)
        if param.get("required"):
            required.add(name)
    if "requestBody" in op:
        body = _resolve_ref(_resolve_ref(op["requestBody"])["content"]["application/json"]
                            ["schema"])
        parts = [body, *[_resolve_ref(p) for p in body.get("allOf", [])]]
        for part in parts:
            names.update(part.get("properties", {}))
            required.update(part.get("required", []))
    return names, required


# (method as the client spells it, operationId, names the method leaves out on purpose)
SIGNATURES = [
    ("beta.assistants.create", "createAssistant", ()),
    ("beta.assistants.retrieve", "getAssistant", ()),
    ("beta.assistants.update", "modifyAssistant", ()),
    ("beta.assistants.list", "listAssistants", ()),
    ("beta.assistants.delete", "deleteAssistant", ()),
    ("beta.threads.create", "createThread", ()),
    ("beta.threads.retrieve", "getThread", ()),
    ("beta.threads.update", "modifyThread", ()),
    ("beta.threads.delete", "deleteThread", ()),
    ("beta.threads.create_and_run", "createThreadAndRun", ()),
    ("beta.threads.create_and_run_poll", "createThreadAndRun", ("stream",)),
    ("beta.threads.messages.create", "createMessage", ()),
    ("beta.threads.messages.retrieve", "getMessage", ()),
    ("beta.threads.messages.update", "modifyMessage", ()),
    ("beta.threads.messages.list", "listMessages", ()),
    ("beta.threads.messages.delete", "deleteMessage", ()),
    ("beta.threads.runs.create", "createRun", ()),
    ("beta.threads.runs.create_and_poll", "createRun", ("stream",)),
    ("beta.threads.runs.retrieve", "getRun", ()),
    ("beta.threads.runs.poll", "getRun", ()),
    ("beta.threads.runs.update", "modifyRun", ()),
    ("beta.threads.runs.list", "listRuns", ()),
    ("beta.threads.runs.cancel", "cancelRun", ()),
    ("beta.threads.runs.submit_tool_outputs", "submitToolOuputsToRun", ()),
    ("beta.threads.runs.submit_tool_outputs_and_poll", "submitToolOuputsToRun", ("stream",)),
    ("beta.threads.runs.steps.list", "listRunSteps", ()),
    ("beta.threads.runs.steps.retrieve", "getRunStep", ()),
    ("vector_stores.create", "createVectorStore", ()),
    ("vector_stores.retrieve", "getVectorStore", ()),
    ("vector_stores.update", "modifyVectorStore", ()),
    ("vector_stores.list", "listVectorStores", ()),
    ("vector_stores.delete", "deleteVectorStore", ()),
    ("vector_stores.search", "searchVectorStore", ()),
    ("vector_stores.files.create", "createVectorStoreFile", ()),
    ("vector_stores.files.retrieve", "getVectorStoreFile", ()),
    ("vector_stores.files.list", "listVectorStoreFiles", ()),
    ("vector_stores.files.delete", "deleteVectorStoreFile", ()),
    ("vector_stores.file_batches.create", "createVectorStoreFileBatch", ()),
    ("vector_stores.file_batches.retrieve", "getVectorStoreFileBatch", ()),
    ("vector_stores.file_batches.cancel", "cancelVectorStoreFileBatch", ()),
    ("vector_stores.file_batches.list_files", "listFilesInVectorStoreBatch", ()),
]


@pytest.mark.parametrize(("path", "operation_id", "left_out"), SIGNATURES,
                         ids=[s[0] for s in SIGNATURES])
def test_signatures_name_the_documented_parameters(b, vs, path, operation_id, left_out):
    method = _method(path, b, vs)
    params = inspect.signature(method).parameters
    documented, required = _documented(operation_id)
    documented -= set(left_out)
    assert documented <= set(params), f"missing: {sorted(documented - set(params))}"
    assert not any(p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) for p in params.values())
    per_call = POLL_PER_CALL if path.endswith("poll") else PER_CALL
    assert set(per_call) <= set(params), set(per_call) - set(params)
    # An optional documented parameter defaults to the sentinel, so nothing unset is sent
    # (``stream`` is a plain bool, as in the official SDK).
    for name in documented - required - {"stream"}:
        assert params[name].default is NOT_GIVEN, (name, params[name].default)
    for name in required:
        assert params[name].default is inspect.Parameter.empty, name
    # numpydoc: every parameter named in the Parameters section, and a Returns section.
    doc = inspect.getdoc(method) or ""
    assert "Parameters\n----------" in doc and "Returns\n-------" in doc, path
    section = doc.split("Parameters\n----------")[1].split("Returns\n-------")[0]
    for name in params:
        assert name in section, (path, name)


def test_every_public_method_is_covered_and_wrapped():
    """The table above lists every public method, and each is wrapped by
    ``Resource.__init_subclass__`` (the close-match suggestion)."""
    listed = {".".join(s[0].split(".")[-2:]) for s in SIGNATURES}
    attr = {beta_module.Assistants: "assistants", beta_module.Threads: "threads",
            beta_module.Messages: "messages", beta_module.Runs: "runs",
            beta_module.Steps: "steps", vs_module.VectorStores: "vector_stores",
            vs_module.VectorStoreFiles: "files", vs_module.VectorStoreFileBatches: "file_batches"}
    for cls in RESOURCE_CLASSES:
        public = [n for n, v in vars(cls).items()
                  if not n.startswith("_") and inspect.isfunction(v)]
        assert public, cls
        for name in public:
            assert f"{attr[cls]}.{name}" in listed, (cls.__name__, name)
            assert getattr(vars(cls)[name], "__wrapped__", None) is not None, (cls, name)


@pytest.mark.parametrize(("call", "wrong", "suggested"), [
    (lambda b, vs: b.assistants.create(model="m", instruction="x"), "instruction",
     "instructions"),
    (lambda b, vs: b.threads.create(metdata={"a": "b"}), "metdata", "metadata"),
    (lambda b, vs: b.threads.messages.list("thread_1", run="run_1"), "run", "run_id"),
    (lambda b, vs: b.threads.runs.create("thread_1", assistant_id="a", temprature=0.2),
     "temprature", "temperature"),
    (lambda b, vs: b.threads.runs.poll("run_1", thread_id="t", poll_intervall=1),
     "poll_intervall", "poll_interval"),
    (lambda b, vs: b.threads.runs.steps.list("run_1", thread_id="t", limt=5), "limt", "limit"),
    (lambda b, vs: vs.search("vs_1", query="q", max_results=3), "max_results",
     "max_num_results"),
    (lambda b, vs: vs.files.create("vs_1", file_id="file-1", chunking={"type": "auto"}),
     "chunking", "chunking_strategy"),
    (lambda b, vs: vs.file_batches.create("vs_1", fileids=["file-1"]), "fileids", "file_ids"),
])
def test_misspelt_keyword_is_refused_with_the_close_match(b, vs, req, call, wrong, suggested):
    with pytest.raises(TypeError, match=rf"'{wrong}' \(did you mean {suggested}\?\)") as info:
        call(b, vs)
    assert "extra_body" in str(info.value)
    assert req.specs == []


def test_unset_parameters_are_not_sent(b, vs, req):
    b.assistants.create(model="gpt-4o-mini")
    assert req.spec.json == {"model": "gpt-4o-mini"}
    b.assistants.update("asst_1")
    assert req.spec.json == {}
    b.threads.create()
    assert req.spec.json == {}
    b.threads.runs.create("thread_1", assistant_id="asst_1", instructions=None)
    assert req.spec.json == {"assistant_id": "asst_1"} and req.spec.query == {}
    b.threads.create_and_run(assistant_id="asst_1")
    assert req.spec.json == {"assistant_id": "asst_1"}
    list(b.threads.messages.list("thread_1"))
    assert req.spec.query == {}
    vs.create()
    assert req.spec.json == {}
    list(vs.files.list("vs_1"))
    assert req.spec.query == {}
    assert all(s.timeout is None and s.max_retries is None for s in req.specs)


def test_falsy_values_that_were_given_are_sent(b, vs, req):
    b.threads.runs.create("thread_1", assistant_id="asst_1", temperature=0.0,
                          parallel_tool_calls=False, include=["step_details"], max_retries=0)
    assert req.spec.json == {"assistant_id": "asst_1", "temperature": 0.0,
                             "parallel_tool_calls": False}
    assert req.spec.query == {"include[]": ["step_details"]} and req.spec.max_retries == 0
    vs.update("vs_1", name="", extra_body={"brand_new": 1})
    assert req.spec.json == {"name": "", "brand_new": 1}


def test_extra_body_on_a_request_without_a_body_is_refused(b, req):
    with pytest.raises(TypeError, match="bogus"):
        b.assistants.retrieve("asst_1", extra_body={"bogus": 1})
    assert req.specs == []


@pytest.mark.parametrize(("call", "cls"), [
    (lambda b, vs: b.assistants.create(model="m"), models.Assistant),
    (lambda b, vs: b.assistants.delete("asst_1"), models.AssistantDeleted),
    (lambda b, vs: b.threads.retrieve("thread_1"), models.Thread),
    (lambda b, vs: b.threads.delete("thread_1"), models.ThreadDeleted),
    (lambda b, vs: b.threads.messages.create("thread_1", role="user", content="x"),
     models.Message),
    (lambda b, vs: b.threads.messages.delete("msg_1", thread_id="t"), models.MessageDeleted),
    (lambda b, vs: b.threads.runs.cancel("run_1", thread_id="t"), models.Run),
    (lambda b, vs: b.threads.create_and_run_poll(assistant_id="a"), models.Run),
    (lambda b, vs: b.threads.runs.steps.retrieve("s", thread_id="t", run_id="r"),
     models.RunStep),
    (lambda b, vs: vs.create(), models.VectorStore),
    (lambda b, vs: vs.delete("vs_1"), models.VectorStoreDeleted),
    (lambda b, vs: vs.files.retrieve("file-1", vector_store_id="vs_1"),
     models.VectorStoreFile),
    (lambda b, vs: vs.files.delete("file-1", vector_store_id="vs_1"),
     models.VectorStoreFileDeleted),
    (lambda b, vs: vs.file_batches.cancel("vsfb_1", vector_store_id="vs_1"),
     models.VectorStoreFileBatch),
])
def test_results_are_the_named_classes_and_still_behave_as_results(b, vs, call, cls):
    out = call(b, vs)
    assert type(out) is cls and isinstance(out, Result)
    assert out["id"] == out.id == "obj_1" and out.to_dict()["object"] == "x"
    assert {"id", "object", "status"} <= set(dir(out))
    assert out.missing_field is None
    assert repr(out).startswith(f"{cls.__name__}({{") and "<" not in repr(out)


@pytest.mark.parametrize(("call", "cls"), [
    (lambda b, vs: b.assistants.list(), models.Assistant),
    (lambda b, vs: b.threads.messages.list("thread_1"), models.Message),
    (lambda b, vs: b.threads.runs.list("thread_1"), models.Run),
    (lambda b, vs: b.threads.runs.steps.list("run_1", thread_id="t"), models.RunStep),
    (lambda b, vs: vs.list(), models.VectorStore),
    (lambda b, vs: vs.files.list("vs_1"), models.VectorStoreFile),
    (lambda b, vs: vs.file_batches.list_files("vsfb_1", vector_store_id="vs_1"),
     models.VectorStoreFile),
    (lambda b, vs: vs.search("vs_1", query="q"), models.VectorStoreSearchResponse),
])
def test_pages_hold_the_named_item_class(b, vs, call, cls):
    page = call(b, vs)
    assert isinstance(page, SyncPage)
    items = list(page)
    assert items and all(type(item) is cls for item in items)


def test_stream_events_are_assistant_stream_events():
    req = FakeRequester(lambda spec: [{"event": "thread.run.created",
                                       "data": {"id": "run_1", "status": "queued"}}])
    events = Beta(req).threads.runs.create("thread_1", assistant_id="a", stream=True)
    assert [type(e) for e in events] == [models.AssistantStreamEvent]
    assert events[0].event == "thread.run.created" and events[0].data.status == "queued"
    assert req.spec.stream and req.spec.json["stream"] is True


def test_return_annotations_name_the_result_classes():
    cases = {
        (beta_module.Assistants, "create"): "Assistant",
        (beta_module.Assistants, "list"): "SyncPage[Assistant]",
        (beta_module.Assistants, "delete"): "AssistantDeleted",
        (beta_module.Messages, "list"): "SyncPage[Message]",
        (beta_module.Runs, "poll"): "Run",
        (beta_module.Steps, "retrieve"): "RunStep",
        (vs_module.VectorStores, "search"): "SyncPage[VectorStoreSearchResponse]",
        (vs_module.VectorStoreFileBatches, "create"): "VectorStoreFileBatch",
    }
    for (cls, name), want in cases.items():
        assert inspect.signature(getattr(cls, name)).return_annotation == want, (cls, name)
    for cls in RESOURCE_CLASSES:
        for name, fn in vars(cls).items():
            if not name.startswith("_") and inspect.isfunction(fn):
                ann = inspect.signature(fn).return_annotation
                assert ann not in ("Any", inspect.Signature.empty), (cls.__name__, name)


@pytest.mark.skipif(not hasattr(typing, "get_overloads"), reason="typing.get_overloads: 3.11+")
@pytest.mark.parametrize(("cls", "name"), [(beta_module.Runs, "create"),
                                           (beta_module.Runs, "submit_tool_outputs"),
                                           (beta_module.Threads, "create_and_run")])
def test_streaming_methods_overload_on_stream(cls, name):
    overloads = typing.get_overloads(inspect.unwrap(getattr(cls, name)))
    found = {str(inspect.signature(o).parameters["stream"].annotation):
             inspect.signature(o).return_annotation for o in overloads}
    assert found == {"Literal[False]": "Run", "Literal[True]": "Stream[AssistantStreamEvent]",
                     "bool": "Run | Stream[AssistantStreamEvent]"}


USER_CODE = '''
from __future__ import annotations
from typing_extensions import assert_type
import lcoai_notebook as lco
from lcoai_notebook._models_assistants import (Assistant, AssistantStreamEvent, Message, Run,
                                               VectorStoreSearchResponse)
from lcoai_notebook._pagination import SyncPage
from lcoai_notebook._sse import Stream

def user(client: lco.Client) -> None:
    asst = client.beta.assistants.create(model="gpt-4o-mini", temperature=0.2)
    assert_type(asst, Assistant)
    assert_type(client.beta.threads.runs.create("t", assistant_id=asst.id), Run)
    events = client.beta.threads.runs.create("t", assistant_id=asst.id, stream=True)
    assert_type(events, Stream[AssistantStreamEvent])
    run = client.beta.threads.runs.create_and_poll(thread_id="t", assistant_id=asst.id)
    if run.required_action:
        print(run.required_action.submit_tool_outputs.tool_calls[0].function.name)
    for message in client.beta.threads.messages.list("t"):
        assert_type(message, Message)
        print(message.content[0].text.value if message.content[0].text else "")
    hits = client.vector_stores.search("vs_1", query="refunds")
    assert_type(hits, SyncPage[VectorStoreSearchResponse])
    client.beta.assistants.create(model="gpt-4o-mini", temprature=0.2)  # the one error
'''


@pytest.mark.timeout(300)
def test_pyright_infers_the_result_classes_and_catches_a_misspelt_keyword(tmp_path):
    exe = shutil.which("pyright")
    if exe is None:
        pytest.skip("pyright is not installed (pip install pyright, in the test extra)")
    (tmp_path / "user.py").write_text(USER_CODE)
    (tmp_path / "pyrightconfig.json").write_text(json.dumps({
        "typeCheckingMode": "basic", "pythonVersion": "3.10", "extraPaths": [str(ROOT)],
        "reportMissingModuleSource": "none"}))
    run = subprocess.run([exe, "--outputjson", "-p", str(tmp_path / "pyrightconfig.json"),
                          str(tmp_path / "user.py")], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path)
    if not run.stdout.strip().startswith("{"):
        pytest.skip(f"pyright cannot run here: {run.stderr.strip()[:300]}")
    errors = [(d["range"]["start"]["line"] + 1, d["message"].splitlines()[0])
              for d in json.loads(run.stdout)["generalDiagnostics"] if d["severity"] == "error"]
    line = USER_CODE.splitlines().index(
        '    client.beta.assistants.create(model="gpt-4o-mini", temprature=0.2)  # the one error')
    assert errors == [(line + 1, 'No parameter named "temprature"')]


# A value each optional body field accepts, for sending all of them at once.
_SAMPLE = {"tools": [], "thread": {"messages": []}, "additional_messages": [],
           "metadata": {"k": "v"}, "tool_resources": {}, "truncation_strategy": {"type": "auto"},
           "parallel_tool_calls": False, "temperature": 0.0, "top_p": 1.0,
           "max_completion_tokens": 256, "max_prompt_tokens": 256}


@pytest.mark.parametrize(("path", "operation_id", "args"), [
    ("beta.threads.runs.create", "createRun", ("thread_1",)),
    ("beta.threads.runs.create_and_poll", "createRun", ()),
    ("beta.threads.create_and_run", "createThreadAndRun", ()),
    ("beta.threads.create_and_run_poll", "createThreadAndRun", ()),
    ("beta.assistants.update", "modifyAssistant", ("asst_1",)),
])
def test_every_documented_body_field_given_is_sent(b, vs, req, path, operation_id, args):
    documented, _ = _documented(operation_id)
    params = inspect.signature(_method(path, b, vs)).parameters
    body_fields = sorted(n for n in documented - {"assistant_id", "thread_id", "stream", "include"}
                         if n in params and params[n].kind is params[n].KEYWORD_ONLY)
    kwargs = {name: _SAMPLE.get(name, "x") for name in body_fields}
    if "thread_id" in params and not args:
        kwargs["thread_id"] = "thread_1"
    in_body = params["assistant_id"].kind is params["assistant_id"].KEYWORD_ONLY
    if in_body:
        kwargs["assistant_id"] = "asst_1"
    _method(path, b, vs)(*args, **kwargs)
    sent = req.specs[0].json
    assert sorted(sent) == sorted(set(body_fields) | ({"assistant_id"} if in_body else set()))
    assert all(sent[name] == value for name, value in kwargs.items() if name in body_fields)
