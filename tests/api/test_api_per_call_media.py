"""The per-call options of audio, images, completions, moderations and embeddings (issue 11: one
spec builder everywhere): ``extra_headers``/``extra_query``/``timeout``/``max_retries`` land on the
spec, and ``extra_body`` joins the JSON body or, for multipart uploads, the form fields."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from _api_fakes import png_bytes, wav_bytes  # noqa: E402
from _fake_requester import FakeRequester  # noqa: E402

from lcoai_notebook._requester import RequestSpec  # noqa: E402
from lcoai_notebook.api.audio import Audio  # noqa: E402
from lcoai_notebook.api.completions import Completions  # noqa: E402
from lcoai_notebook.api.embeddings import Embeddings  # noqa: E402
from lcoai_notebook.api.images import Images  # noqa: E402
from lcoai_notebook.api.moderations import Moderations  # noqa: E402

WAV = ("talk.wav", wav_bytes(), "audio/wav")
PNG = ("cat.png", png_bytes(8, 8), "image/png")


def _reply(spec: RequestSpec) -> Any:
    if spec.response == "bytes":
        return (b"ID3", "audio/mpeg")
    if spec.path == "/embeddings":
        return {"object": "list", "model": "m", "data": [
            {"object": "embedding", "index": 0, "embedding": [0.5, 0.25]}]}
    return {"text": "hi", "results": [], "data": [], "choices": []}


# (label, multipart?, call): each call names only the parameters its method requires.
CALLS = [
    ("transcriptions", True,
     lambda fake, **o: Audio(fake).transcriptions.create(file=WAV, model="whisper-1", **o)),
    ("translations", True,
     lambda fake, **o: Audio(fake).translations.create(file=WAV, model="whisper-1", **o)),
    ("speech", False,
     lambda fake, **o: Audio(fake).speech.create(model="tts-1", input="hi", voice="alloy", **o)),
    ("images.generate", False,
     lambda fake, **o: Images(fake).generate(prompt="a cat", **o)),
    ("images.edit", True,
     lambda fake, **o: Images(fake).edit(image=PNG, prompt="a hat", model="dall-e-2", **o)),
    ("images.create_variation", True,
     lambda fake, **o: Images(fake).create_variation(image=PNG, **o)),
    ("completions", False,
     lambda fake, **o: Completions(fake).create(model="gpt-3.5-turbo-instruct", prompt="x", **o)),
    ("moderations", False,
     lambda fake, **o: Moderations(fake).create(input="hello", **o)),
    ("embeddings", False,
     lambda fake, **o: Embeddings(fake).create(input="hello", model="text-embedding-3-small",
                                               **o)),
]
IDS = [label for label, _, _ in CALLS]


@pytest.mark.parametrize(("label", "multipart", "call"), CALLS, ids=IDS)
def test_per_call_options_reach_the_spec(label, multipart, call):
    fake = FakeRequester(_reply, flavor="openai")
    call(fake, extra_headers={"X-Trace": "t1"}, extra_query={"trace": "1"},
         extra_body={"future_field": "on"}, timeout=7.5, max_retries=0)
    spec = fake.spec
    assert spec.headers == {"X-Trace": "t1"}
    assert spec.query == {"trace": "1"}
    assert (spec.timeout, spec.max_retries) == (7.5, 0)
    if multipart:
        assert spec.json is None and spec.files
        assert spec.data is not None and spec.data["future_field"] == "on"
    else:
        assert spec.data is None and spec.files is None
        assert spec.json["future_field"] == "on"


@pytest.mark.parametrize(("label", "multipart", "call"), CALLS, ids=IDS)
def test_unset_per_call_options_leave_the_client_defaults(label, multipart, call):
    fake = FakeRequester(_reply, flavor="openai")
    call(fake)
    spec = fake.spec
    assert spec.headers == {} and spec.query == {}
    assert spec.timeout is None and spec.max_retries is None
    body = spec.data if multipart else spec.json
    assert body is not None and "future_field" not in body


def test_extra_body_overrides_a_named_field_as_given():
    # "merged as given": the escape hatch wins over what the method built (as before the spec
    # builder), in a JSON body and in a form alike.
    fake = FakeRequester(_reply, flavor="openai")
    Moderations(fake).create(input="hello", model="omni-moderation-latest",
                             extra_body={"model": "text-moderation-latest"})
    assert fake.spec.json == {"input": "hello", "model": "text-moderation-latest"}
    Images(fake).create_variation(image=PNG, n=2, extra_body={"n": 3})
    assert fake.spec.data == {"n": "3"}
