"""Results and errors survive copy, deepcopy and pickle (notebooks copy results; process pools
pickle results and errors); notebook reprs survive odd fields."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from lcoai_notebook._models import ChatCompletion, CreateEmbeddingResponse, Result

DATA = {"id": "c1", "choices": [{"index": 0, "message": {"content": "hi"}}], "usage": None}


@pytest.mark.parametrize(
    "clone",
    [copy.copy, copy.deepcopy, lambda r: pickle.loads(pickle.dumps(r))],
    ids=["copy", "deepcopy", "pickle"],
)
def test_results_copy_and_pickle(clone):
    for cls in (Result, ChatCompletion):
        original = cls(DATA)
        other = clone(original)
        assert type(other) is cls and other == original
        assert other.choices[0].message.content == "hi"
    emb = CreateEmbeddingResponse(
        {"data": [{"index": 0, "embedding": [1.0, 2.0]}]},
        matrix=np.array([[1.0, 2.0]], dtype=np.float32),
    )
    other = clone(emb)
    np.testing.assert_array_equal(other.to_numpy(), emb.to_numpy())


def test_deepcopy_is_deep():
    original = Result({"a": {"b": [1]}})
    other = copy.deepcopy(original)
    other._data["a"]["b"].append(2)
    assert original.a.b == [1]


def test_notebook_reprs_survive_odd_fields():
    """A null index or token count (seen from some OpenAI-compatible servers) must not turn the
    notebook repr into a traceback."""
    odd = {
        "model": "m",
        "choices": [{"index": None, "message": {"content": "hi"}, "finish_reason": None}],
        "usage": {"total_tokens": None},
    }
    html = ChatCompletion(odd)._repr_html_()
    assert "hi" in html and "choice 0" in html


def test_speech_repr_does_not_trust_the_content_type():
    from lcoai_notebook._models import SpeechResponse

    evil = SpeechResponse(b"ID3", 'audio/mpeg" onloadstart="alert(1)')
    html = evil._repr_html_()
    assert "onloadstart" not in html and '"' not in html.split('src="', 1)[1].split('"')[0]
    assert 'src="data:audio/mpeg;base64,' in html
    assert 'src="data:audio/wav;base64,' in SpeechResponse(b"RIFF", "audio/wav")._repr_html_()


def test_errors_pickle_with_their_fields():
    """A worker process's RateLimitError must reach the parent as itself."""
    from lcoai_notebook._exceptions import (
        APIConnectionError,
        APIStatusError,
        RateLimitError,
        StreamInterruptedError,
    )

    errors = [
        APIStatusError("m", status_code=500, body={"a": 1}, headers={"x": "1"}, code="c"),
        RateLimitError("slow", status_code=429, request_id="req_1"),
        APIConnectionError("down"),
        StreamInterruptedError("cut", text="so far", chunks=[{"a": 1}]),
    ]
    for err in errors:
        for other in (pickle.loads(pickle.dumps(err)), copy.copy(err)):
            assert type(other) is type(err)
            assert vars(other) == vars(err) and str(other) == str(err)
