"""The SSE decoder, chunk by chunk, and Stream / AsyncStream over real httpx responses."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from _client_helpers import TOKEN

from lcoai_notebook._exceptions import (
    APIError,
    APIResponseValidationError,
    RateLimitError,
    StreamInterruptedError,
)
from lcoai_notebook._http import RequestSpec
from lcoai_notebook._models import ChatCompletionChunk
from lcoai_notebook._sse import AsyncStream, SSEDecoder, Stream, accumulated_text


def decode_all(chunks: list[bytes]) -> list[tuple[str | None, str]]:
    dec = SSEDecoder()
    out = []
    for c in chunks:
        out.extend(dec.feed(c))
    out.extend(dec.flush())
    return out


def chat_chunk(content: str | None, finish: str | None = None, role: str | None = None) -> dict:
    delta = {}
    if role:
        delta["role"] = role
    if content is not None:
        delta["content"] = content
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def sse(*objs: dict, done: bool = True, sep: bytes = b"\n") -> bytes:
    parts = [b"data: " + json.dumps(o, ensure_ascii=False).encode() + sep + sep for o in objs]
    if done:
        parts.append(b"data: [DONE]" + sep + sep)
    return b"".join(parts)


COMPLEX = (
    b": keep-alive\r\n\r\n"
    b'data: {"a": 1}\r\n\r\n'
    b'event: thread.run.created\ndata: {"id": "run_1"}\nid: 7\n\n'
    b'data: {"multi":\ndata: 2}\n\n'
    b"retry: 3000\n\n"
    b'data:{"nospace": true}\r\r'
    b":comment\n"
    b"data: [DONE]\n\n"
)
EXPECTED = [
    (None, '{"a": 1}'),
    ("thread.run.created", '{"id": "run_1"}'),
    (None, '{"multi":\n2}'),
    (None, '{"nospace": true}'),
    (None, "[DONE]"),
]


def test_decoder_whole_body():
    assert decode_all([COMPLEX]) == EXPECTED


@pytest.mark.parametrize("offset", range(len(COMPLEX) + 1))
def test_decoder_split_at_every_offset(offset):
    assert decode_all([COMPLEX[:offset], COMPLEX[offset:]]) == EXPECTED


def test_decoder_one_byte_at_a_time():
    dec = SSEDecoder()
    out = []
    for i in range(len(COMPLEX)):
        out.extend(dec.feed(COMPLEX[i : i + 1]))
    out.extend(dec.flush())
    assert out == EXPECTED
    assert dec.last_event_id == "7"
    assert dec.retry == 3000


def test_decoder_crlf_split_between_cr_and_lf():
    body = b"data: 1\r\n\r\ndata: 2\r\n\r\n"
    i = body.index(b"\r\n") + 1
    assert decode_all([body[:i], body[i:]]) == [(None, "1"), (None, "2")]


def test_decoder_comments_only_and_empty_data_lines():
    assert decode_all([b": ping\n\n: ping\n\n"]) == []
    assert decode_all([b"data:\n\n"]) == [(None, "")]
    assert decode_all([b"data: a\ndata:\ndata: b\n\n"]) == [(None, "a\n\nb")]


def test_decoder_extra_blank_lines():
    assert decode_all([b"data: 1\n\n\n\ndata: 2\n\n\n"]) == [(None, "1"), (None, "2")]


def test_decoder_flush_keeps_complete_last_event_and_drops_partial_line():
    assert decode_all([b"data: 1\n\ndata: [DONE]\n"]) == [(None, "1"), (None, "[DONE]")]
    assert decode_all([b"data: 1\n\ndata: [DONE]"]) == [(None, "1"), (None, "[DONE]")]
    assert decode_all([b'data: 1\n\ndata: {"trunc']) == [(None, "1")]


def test_accumulated_text_chat_and_completions():
    chunks = [
        chat_chunk("", role="assistant"),
        chat_chunk("Hel"),
        chat_chunk("lo"),
        chat_chunk(None, "stop"),
        {"choices": [], "usage": {"total_tokens": 3}},
    ]
    assert accumulated_text(chunks) == "Hello"
    comp = [{"choices": [{"index": 0, "text": "ab"}]}, {"choices": [{"index": 0, "text": "c"}]}]
    assert accumulated_text(comp) == "abc"
    # Other choices (n > 1) do not mix in.
    assert accumulated_text([{"choices": [{"index": 1, "delta": {"content": "x"}}]}]) == ""


# -- streams over httpx responses ------------------------------------------------------------------


class ChunkedStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body delivered in the given chunks; optionally dropped at the end."""

    def __init__(self, chunks: list[bytes], drop: bool = False) -> None:
        self.chunks = chunks
        self.drop = drop

    def __iter__(self):
        yield from self.chunks
        if self.drop:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body"
            )

    async def __aiter__(self):
        for c in self.chunks:
            yield c
        if self.drop:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body"
            )


def stream_response(chunks: list[bytes], drop: bool = False, status: int = 200) -> httpx.Response:
    return httpx.Response(
        status, headers={"content-type": "text/event-stream"}, stream=ChunkedStream(chunks, drop)
    )


def open_sync(handler, **spec_kw) -> Stream:
    from lcoai_notebook import Client

    client = Client(
        api_token=TOKEN,
        base_url="http://lco.test/openai",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        owns_http_client=True,
    )
    spec = RequestSpec(
        "POST",
        "/chat/completions",
        json={"stream": True},
        stream=True,
        cast=ChatCompletionChunk,
        **spec_kw,
    )
    stream = client.requester.request(spec)
    stream._test_client = client
    return stream


BODY = sse(
    chat_chunk("", role="assistant"),
    chat_chunk("Hello"),
    chat_chunk(", world"),
    chat_chunk(None, "stop"),
)


@pytest.mark.parametrize("chunking", ["buffered", "incremental", "bytewise"])
def test_stream_yields_chunks_until_done(chunking):
    if chunking == "buffered":
        chunks = [BODY]
    elif chunking == "incremental":
        chunks = [e + b"\n\n" for e in BODY.split(b"\n\n") if e]
    else:
        chunks = [BODY[i : i + 1] for i in range(len(BODY))]
    stream = open_sync(lambda r: stream_response(chunks))
    with stream:
        got = list(stream)
    assert [type(c) for c in got] == [ChatCompletionChunk] * 4
    assert got[1].choices[0].delta.content == "Hello"
    assert stream.text == "Hello, world"
    assert stream.done and stream.closed
    stream._test_client.close()


def test_stream_without_done_raises_with_text():
    stream = open_sync(
        lambda r: stream_response([sse(chat_chunk("Par"), chat_chunk("tial"), done=False)])
    )
    seen = []
    with pytest.raises(StreamInterruptedError) as info:
        for chunk in stream:
            seen.append(chunk)
    assert len(seen) == 2
    assert info.value.text == "Partial"
    assert len(info.value.chunks) == 2
    assert stream.closed
    stream._test_client.close()


def test_stream_dropped_connection_raises_with_text():
    stream = open_sync(lambda r: stream_response([sse(chat_chunk("abc"), done=False)], drop=True))
    with pytest.raises(StreamInterruptedError) as info:
        list(stream)
    assert info.value.text == "abc"
    assert "RemoteProtocolError" in str(info.value)
    stream._test_client.close()


def test_stream_error_payload_raises_api_error():
    body = sse(
        chat_chunk("x"),
        {"error": {"message": "Rate limit hit", "type": "rate_limit", "code": "rate"}},
    )
    stream = open_sync(lambda r: stream_response([body]))
    with pytest.raises(APIError, match="Rate limit hit") as info:
        list(stream)
    assert info.value.code == "rate"
    stream._test_client.close()


def test_stream_error_payload_with_status_uses_status_class():
    body = sse({"error": {"message": "slow", "code": "rate_limit_exceeded", "status_code": 429}})
    stream = open_sync(lambda r: stream_response([body]))
    with pytest.raises(RateLimitError):
        list(stream)
    stream._test_client.close()


def test_stream_error_event():
    stream = open_sync(lambda r: stream_response([b'event: error\ndata: {"message": "boom"}\n\n']))
    with pytest.raises(APIError, match="boom"):
        list(stream)
    stream._test_client.close()


def test_stream_malformed_event_is_validation_error():
    stream = open_sync(lambda r: stream_response([b"data: {not json\n\n"]))
    with pytest.raises(APIResponseValidationError):
        list(stream)
    stream._test_client.close()


def test_named_events_carry_their_name():
    body = b'event: thread.created\ndata: {"id": "thread_1"}\n\ndata: [DONE]\n\n'
    stream = open_sync(
        lambda r: stream_response([body]),
    )
    got = list(stream)
    assert got[0].event == "thread.created"
    assert got[0].data.id == "thread_1"
    stream._test_client.close()


def test_get_final_text_and_close_early():
    stream = open_sync(lambda r: stream_response([BODY]))
    assert stream.get_final_text() == "Hello, world"
    stream._test_client.close()
    stream2 = open_sync(lambda r: stream_response([BODY]))
    it = iter(stream2)
    next(it)
    stream2.close()
    assert stream2.closed
    assert list(stream2) == []
    stream2._test_client.close()


def test_stream_retries_before_first_byte_only():
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            return stream_response([], drop=True)  # dropped before any byte: retried
        return stream_response([BODY])

    stream = open_sync(handler)
    stream._test_client.requester._sleep = lambda s: None
    assert stream.get_final_text() == "Hello, world"
    assert len(calls) == 2
    stream._test_client.close()


def test_stream_request_error_status_raises_before_iteration():
    def handler(request):
        return httpx.Response(
            429,
            json={
                "error": {
                    "message": "quota",
                    "code": "insufficient_quota",
                    "type": "insufficient_quota",
                }
            },
        )

    from lcoai_notebook import InsufficientQuotaError

    with pytest.raises(InsufficientQuotaError):
        open_sync(handler)


def test_stream_json_instead_of_sse_is_validation_error():
    with pytest.raises(APIResponseValidationError, match="event stream"):
        open_sync(lambda r: httpx.Response(200, json={"id": "x"}))


# -- async -----------------------------------------------------------------------------------------


async def _open_async(handler):
    from lcoai_notebook import AsyncClient

    client = AsyncClient(
        api_token=TOKEN,
        base_url="http://lco.test/openai",
        http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        owns_http_client=True,
    )
    spec = RequestSpec(
        "POST", "/chat/completions", json={"stream": True}, stream=True, cast=ChatCompletionChunk
    )
    return client, await client.requester.request(spec)


def test_async_stream_equivalent_to_sync():
    chunks = [BODY[i : i + 7] for i in range(0, len(BODY), 7)]

    async def main():
        client, stream = await _open_async(lambda r: stream_response(chunks))
        assert isinstance(stream, AsyncStream)
        async with stream:
            got = [c async for c in stream]
        await client.aclose()
        return got, stream

    got, stream = asyncio.run(main())
    sync_stream = open_sync(lambda r: stream_response(chunks))
    sync_got = list(sync_stream)
    sync_stream._test_client.close()
    assert [c.to_dict() for c in got] == [c.to_dict() for c in sync_got]
    assert stream.text == sync_stream.text == "Hello, world"


def test_async_stream_interrupted():
    async def main():
        client, stream = await _open_async(
            lambda r: stream_response([sse(chat_chunk("ab"), done=False)], drop=True)
        )
        try:
            with pytest.raises(StreamInterruptedError) as info:
                async for _ in stream:
                    pass
            return info.value
        finally:
            await client.aclose()

    err = asyncio.run(main())
    assert err.text == "ab"


def test_async_get_final_text():
    async def main():
        client, stream = await _open_async(lambda r: stream_response([BODY]))
        try:
            return await stream.get_final_text()
        finally:
            await client.aclose()

    assert asyncio.run(main()) == "Hello, world"


def test_fast_and_general_paths_agree_and_chunks_decode_lazily():
    """The same events written so that some take the fast path and some the general one."""
    objs = [
        chat_chunk("a", role="assistant"),
        chat_chunk("b"),
        chat_chunk("c"),
        chat_chunk(None, "stop"),
    ]
    plain = sse(*objs)
    mixed = (
        b"data: "
        + json.dumps(objs[0]).encode()
        + b"\nid: 1\n\n"  # general path (id line)
        + b"data:"
        + json.dumps(objs[1]).encode()
        + b"\n\n"  # general path (no space)
        + b"data: "
        + json.dumps(objs[2]).encode()
        + b"\n\n"  # fast path
        + b"data: "
        + json.dumps(objs[3]).encode()
        + b"  \n\n"  # trailing spaces: general
        + b"data: [DONE]\n\n"
    )
    results = []
    for body in (plain, mixed):
        stream = open_sync(lambda r, body=body: stream_response([body]))
        got = [c.to_dict() for c in stream]
        results.append((got, stream.chunks, stream.text))
        stream._test_client.close()
    assert results[0] == results[1]
    assert results[0][0] == objs and results[0][1] == objs and results[0][2] == "abc"


def test_text_with_tool_call_deltas_and_completions():
    tool = {"choices": [{"index": 0, "delta": {"content": None, "tool_calls": [{"index": 0}]}}]}
    comp = {"choices": [{"index": 0, "text": "xy", "finish_reason": None}]}
    other = {"choices": [{"index": 1, "delta": {"content": "NO"}}]}
    usage = {"choices": [], "usage": {"total_tokens": 1}}
    stream = open_sync(lambda r: stream_response([sse(chat_chunk("hi"), tool, comp, other, usage)]))
    assert len(list(stream)) == 5
    assert stream.text == "hixy"
    stream._test_client.close()


def test_utf8_split_across_chunks():
    body = sse(chat_chunk("héllo wörld ✓"))
    cut = body.index("✓".encode()) + 1  # in the middle of the 3-byte character
    stream = open_sync(lambda r: stream_response([body[:cut], body[cut:]]))
    assert stream.get_final_text() == "héllo wörld ✓"
    stream._test_client.close()


def test_next_on_the_stream_itself():
    stream = open_sync(lambda r: stream_response([BODY]))
    first = next(stream)
    assert first.choices[0].delta.role == "assistant"
    assert next(stream).choices[0].delta.content == "Hello"
    assert [c for c in stream][-1].choices[0].finish_reason == "stop" or stream.done
    stream._test_client.close()


def test_async_anext_and_early_close():
    async def main():
        client, stream = await _open_async(lambda r: stream_response([BODY]))
        try:
            first = await stream.__anext__()
            await stream.aclose()
            return first, stream.closed
        finally:
            await client.aclose()

    first, closed = asyncio.run(main())
    assert first.choices[0].delta.role == "assistant" and closed


def test_decoder_strips_a_leading_bom_only():
    bom = "\ufeff".encode()
    assert decode_all([bom[:2], bom[2:] + b"data: 1\n\n"]) == [(None, "1")]
    assert decode_all([b"data: \xef\xbb\xbfx\n\n"]) == [(None, "\ufeffx")]


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_stream_decoding_error_mid_body_is_an_interruption(mode):
    """Any httpx failure after the first byte (here a broken gzip body) keeps the text."""

    class Broken(httpx.SyncByteStream, httpx.AsyncByteStream):
        def __iter__(self):
            yield sse(chat_chunk("kept"), done=False)
            raise httpx.DecodingError("bad gzip")

        async def __aiter__(self):
            yield sse(chat_chunk("kept"), done=False)
            raise httpx.DecodingError("bad gzip")

    def handler(request):
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Broken())

    if mode == "sync":
        stream = open_sync(handler)
        with pytest.raises(StreamInterruptedError) as info:
            list(stream)
        stream._test_client.close()
        err = info.value
    else:

        async def main():
            client, stream = await _open_async(handler)
            try:
                with pytest.raises(StreamInterruptedError) as info:
                    async for _ in stream:
                        pass
                return info.value
            finally:
                await client.aclose()

        err = asyncio.run(main())
    assert err.text == "kept" and "DecodingError" in str(err)
    assert err.__context__ is None and err.__cause__ is None
