"""Response objects and their notebook reprs (model output must render inert)."""

from __future__ import annotations

import base64

import numpy as np
import pytest

from lcoai_notebook._models import (
    ChatCompletion,
    CreateEmbeddingResponse,
    ImagesResponse,
    ModerationResponse,
    Result,
    SpeechResponse,
    Transcription,
    wrap,
)
from lcoai_notebook._render import markdown_html, safe_image_src


def chat(content: str | None, **message) -> ChatCompletion:
    return ChatCompletion({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-5.4-mini",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": content, **message}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7},
    })


def test_attribute_and_item_access_agree() -> None:
    r = chat("hello")
    assert r.choices[0].message.content == "hello"
    assert r["choices"][0]["message"]["content"] == "hello"
    assert r.usage.total_tokens == 7 and r.text == "hello"
    assert r.missing_field is None  # optional fields the service left out read as None
    assert "choices" in r and len(r) == len(r.to_dict())


def test_results_are_read_only_and_to_dict_is_a_copy() -> None:
    r = chat("hello")
    with pytest.raises(AttributeError, match="read-only"):
        r.model = "other"
    d = r.to_dict()
    d["choices"][0]["message"]["content"] = "changed"
    assert r.choices[0].message.content == "hello"
    listed = r.choices
    listed.append("junk")
    assert len(r.choices) == 1  # a list read from a result is a copy


def test_wrap_wraps_dicts_inside_lists_only() -> None:
    value = wrap([{"a": 1}, [{"b": 2}], 3, "x"])
    assert isinstance(value[0], Result) and value[0].a == 1
    assert isinstance(value[1][0], Result) and value[1][0].b == 2
    assert value[2:] == [3, "x"]
    assert Result({"a": 1}) == {"a": 1} and Result(a=1) == Result({"a": 1})


def test_long_reprs_are_truncated() -> None:
    r = Result({"text": "x" * 10_000})
    assert len(repr(r)) < 4200 and repr(r).endswith("...)")


@pytest.mark.parametrize("payload, forbidden", [
    ('<img src=x onerror="window.__x=1">', "<img"),
    ("<script>window.__x=1</script>", "<script"),
    ('<iframe srcdoc="<script>parent.__x=1</script>">', "<iframe"),
    ("<details open ontoggle=window.__x=1>", "<details"),
    ("[click](javascript:window.__x=1)", "href=\"javascript"),
    ("![pic](https://example.com/a.png)", "<img"),
    ('<a href="javascript:alert(1)">x</a>', "<a href"),
])
def test_chat_html_repr_never_carries_live_markup(payload: str, forbidden: str) -> None:
    html = chat(f"Here you go: {payload}")._repr_html_()
    assert forbidden not in html
    assert "Here you go" in html


def test_markdown_still_renders_and_links_are_safe() -> None:
    html = markdown_html("**bold** and `code` and [docs](https://example.com)")
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
    assert 'href="https://example.com"' in html and 'rel="noopener noreferrer"' in html


def test_tool_calls_and_refusals_show_as_escaped_text() -> None:
    r = chat(None, refusal="<b>no</b>", tool_calls=[{
        "id": "call_1", "type": "function",
        "function": {"name": "get<weather>", "arguments": '{"city": "<Oslo>"}'}}])
    html = r._repr_html_()
    assert "get&lt;weather&gt;" in html and "&lt;b&gt;no&lt;/b&gt;" in html
    assert "<b>" not in html and r.text == ""


def test_image_sources_are_limited_to_data_and_http() -> None:
    assert safe_image_src(None, "aGVsbG8=") == "data:image/png;base64,aGVsbG8="
    assert safe_image_src(None, 'aGVs"><script>') == "data:image/png;base64,aGVsscript"
    assert safe_image_src("javascript:alert(1)", None) is None
    assert safe_image_src('https://x/a.png" onerror="x', None) == (
        "https://x/a.png&quot; onerror=&quot;x")
    resp = ImagesResponse({"created": 1, "data": [
        {"b64_json": base64.b64encode(b"\x89PNG").decode(), "revised_prompt": "<i>cat</i>"},
        {"url": "javascript:alert(1)"}]})
    html = resp._repr_html_()
    assert html.count("<img ") == 1 and "&lt;i&gt;cat" in html and "javascript:" not in html


def test_transcription_and_speech_reprs() -> None:
    t = Transcription({"text": "<b>hello</b>"})
    assert str(t) == "<b>hello</b>" and "&lt;b&gt;hello" in t._repr_html_()
    audio = SpeechResponse(b"RIFF....WAVE", "audio/wav")
    assert audio.content == b"RIFF....WAVE" and "audio/wav" in repr(audio)
    assert audio._repr_html_().startswith('<audio controls src="data:audio/wav;base64,')
    odd = SpeechResponse(b"x", 'text/html"><script>')
    assert "<script>" not in odd._repr_html_()


def test_embeddings_to_numpy_orders_by_index_and_moderation_flag() -> None:
    emb = CreateEmbeddingResponse({"object": "list", "model": "m", "usage": {}, "data": [
        {"object": "embedding", "index": 1, "embedding": [3.0, 4.0]},
        {"object": "embedding", "index": 0, "embedding": [1.0, 2.0]}]})
    mat = emb.to_numpy()
    assert mat.dtype == np.float32 and mat.tolist() == [[1.0, 2.0], [3.0, 4.0]]
    assert "n=2" in repr(emb) and "dimensions=2" in repr(emb)
    mod = ModerationResponse({"id": "m", "model": "x", "results": [{"flagged": False},
                                                                   {"flagged": True}]})
    assert mod.flagged is True
