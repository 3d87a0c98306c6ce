"""The client against the real emulator: both flavors, sync and async, in-process and over loopback,
streams incremental and buffered, url_format new/old/auto, and the fault acceptance."""

from __future__ import annotations

import asyncio
import collections

import httpx
import pytest
from _client_helpers import past_prefix_check

from lcoai_notebook import (
    AsyncClient,
    AuthenticationError,
    BadRequestError,
    Client,
    InsufficientQuotaError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
)
from lcoai_notebook._config import RetryPolicy
from lcoai_notebook.emulator import Emulator

pytestmark = pytest.mark.timeout(120)

MSG = [{"role": "user", "content": "Tell me about cosine similarity"}]
FAST = RetryPolicy(initial=0.001, cap=0.004, jitter=0.25)


def counting_client(emu: Emulator, counter: list, *, async_: bool = False, **kw):
    """A client over the emulator's in-process transport that counts requests on the wire."""
    hooks = {"request": [counter.append]} if not async_ else {"request": [_async_append(counter)]}
    if async_:
        http = httpx.AsyncClient(transport=emu.async_transport(), event_hooks=hooks)
        return AsyncClient(
            api_token=emu.api_token,
            base_url=emu.inprocess_url,
            flavor=emu.config.flavor,
            http_client=http,
            owns_http_client=True,
            **kw,
        )
    http = httpx.Client(transport=emu.transport(), event_hooks=hooks)
    return Client(
        api_token=emu.api_token,
        base_url=emu.inprocess_url,
        flavor=emu.config.flavor,
        http_client=http,
        owns_http_client=True,
        **kw,
    )


def _async_append(counter):
    async def hook(request):
        counter.append(request)

    return hook


def exercise_sync(client: Client) -> dict:
    out = {}
    out["models"] = sorted(m.id for m in client.models.list().data)[:3]
    out["model"] = client.models.retrieve("gpt-4o-mini").id
    reply = client.chat.completions.create(model="gpt-4o-mini", messages=MSG, seed=1)
    out["reply"] = reply.choices[0].message.content
    with client.chat.completions.create(
        model="gpt-4o-mini", messages=MSG, seed=1, stream=True
    ) as stream:
        chunks = list(stream)
    out["stream_text"] = stream.text
    out["n_chunks"] = len(chunks)
    emb = client.embeddings.create(model="text-embedding-3-small", input=["a cat", "a dog"])
    out["emb_shape"] = emb.to_numpy().shape
    with pytest.raises(NotFoundError) as info:
        client.models.retrieve("no-such-model")
    out["nf_code"] = info.value.code
    return out


async def exercise_async(client: AsyncClient) -> dict:
    out = {}
    out["models"] = sorted(m.id for m in (await client.models.list()).data)[:3]
    out["model"] = (await client.models.retrieve("gpt-4o-mini")).id
    reply = await client.chat.completions.create(model="gpt-4o-mini", messages=MSG, seed=1)
    out["reply"] = reply.choices[0].message.content
    stream = await client.chat.completions.create(
        model="gpt-4o-mini", messages=MSG, seed=1, stream=True
    )
    async with stream:
        chunks = [c async for c in stream]
    out["stream_text"] = stream.text
    out["n_chunks"] = len(chunks)
    emb = await client.embeddings.create(model="text-embedding-3-small", input=["a cat", "a dog"])
    out["emb_shape"] = emb.to_numpy().shape
    with pytest.raises(NotFoundError) as info:
        await client.models.retrieve("no-such-model")
    out["nf_code"] = info.value.code
    return out


def check(out: dict) -> None:
    assert out["model"] == "gpt-4o-mini"
    assert out["reply"] and out["stream_text"] == out["reply"]
    assert out["n_chunks"] >= 3
    assert out["emb_shape"][0] == 2
    assert out["nf_code"] == "model_not_found"


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
def test_inprocess_sync_and_async_agree(flavor):
    emu = Emulator(flavor=flavor)
    with emu.client(owns_http_client=True) as client:
        sync_out = exercise_sync(client)

    async def main():
        async with emu.async_client(owns_http_client=True) as aclient:
            return await exercise_async(aclient)

    async_out = asyncio.run(main())
    check(sync_out)
    assert sync_out == async_out


@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
@pytest.mark.parametrize("stream_mode", ["incremental", "buffered"])
def test_loopback_http_both_modes(flavor, stream_mode):
    with Emulator(flavor=flavor, stream_mode=stream_mode) as emu:
        with emu.client() as client:
            sync_out = exercise_sync(client)

        async def main():
            async with emu.async_client() as aclient:
                return await exercise_async(aclient)

        async_out = asyncio.run(main())
    check(sync_out)
    assert sync_out == async_out


@pytest.mark.parametrize("url_format", ["new", "old", "auto"])
def test_url_formats_against_both_path_sets(url_format):
    both = Emulator()
    seen: list = []
    with counting_client(both, seen, url_format=url_format) as client:
        assert client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
    expected = "/openai/v1/models/model" if url_format == "old" else "/openai/v1/models/gpt-4o-mini"
    assert [r.url.path for r in seen] == [expected]

    oss = Emulator(path_formats=("old",))
    seen = []
    with counting_client(oss, seen, url_format=url_format) as client:
        if url_format == "new":
            with pytest.raises(NotFoundError):
                client.models.retrieve("gpt-4o-mini")
            return
        for _ in range(3):
            assert client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini"
        with pytest.raises(NotFoundError) as info:
            client.models.retrieve("no-such-model")
        assert info.value.code == "model_not_found"
    paths = [r.url.path for r in seen]
    if url_format == "auto":
        # One New-format miss, then Old remembered for every later call of the route.
        assert paths == ["/openai/v1/models/gpt-4o-mini"] + ["/openai/v1/models/model"] * 4
    else:
        assert paths == ["/openai/v1/models/model"] * 4


def test_auto_does_not_fall_back_on_model_not_found():
    emu = Emulator()
    seen: list = []
    with counting_client(emu, seen) as client:
        with pytest.raises(NotFoundError) as info:
            client.models.retrieve("no-such-model")
    assert info.value.code == "model_not_found"
    assert len(seen) == 1


TRANSIENT = ("RateLimitError", "InternalServerError", "APIConnectionError")


def test_fault_acceptance_200_requests():
    """Issue 2's acceptance: 200 requests, 30% transient faults injected (429 with retry-after in
    the body, 500, 503, dropped connection), max_retries=3: every request succeeds.

    The emulator draws a fault for each attempt; its faults are transient (they clear once a
    request has been retried ``fault_max_consecutive=3`` times, told by the retry-count header
    the client sends). The test also checks every fault was retried with the wait the emulator
    asked for, and that no non-transient error appeared.
    """
    emu = Emulator(
        fault_rate=0.3, fault_kinds=("429", "500", "503", "drop"), fault_retry_after=0.01
    )
    seen: list = []
    decisions: list = []
    outcomes: list = []
    with counting_client(emu, seen, max_retries=3, retry_policy=FAST) as client:
        requester = client.requester
        original = requester.retry_wait

        def recording(error, attempt, max_retries):
            wait = original(error, attempt, max_retries)
            decisions.append((type(error).__name__, dict(getattr(error, "headers", {})), wait))
            return wait

        requester.retry_wait = recording
        calls = [
            lambda: client.models.list().object == "list",
            lambda: client.models.retrieve("gpt-4o-mini").id == "gpt-4o-mini",
            lambda: bool(
                client.chat.completions.create(
                    model="gpt-4o-mini", messages=MSG, max_tokens=5
                ).choices
            ),
            lambda: (
                client.embeddings.create(model="text-embedding-3-small", input="hello")
                .to_numpy()
                .shape[0]
                == 1
            ),
        ]
        for i in range(200):
            before_wire, before_dec = len(seen), len(decisions)
            try:
                ok, err = calls[i % 4](), None
            except Exception as exc:  # noqa: BLE001 - classified below
                ok, err = False, exc
            outcomes.append((ok, err, len(seen) - before_wire, decisions[before_dec:]))

    failed = [o for o in outcomes if not o[0]]
    for ok, err, attempts, decs in outcomes:
        assert 1 <= attempts <= 4
        assert len(decs) == (attempts - 1 if ok else attempts)  # one decision per faulted attempt
        assert all(d[0] in TRANSIENT for d in decs), decs
        if ok:
            assert all(d[2] is not None for d in decs)  # every fault before success was retried
        else:
            # Only a request whose four attempts all faulted may fail, with a transient error.
            assert attempts == 4 and type(err).__name__ in TRANSIENT, (err, attempts)
    assert not failed, f"{len(failed)} of 200 failed: {[o[1] for o in failed][:3]}"
    # Faults really happened (~30% of attempts), of every kind.
    kinds = collections.Counter(d[0] for d in decisions)
    assert len(decisions) >= 40 and set(TRANSIENT) <= set(kinds), kinds
    # Waits honour the retry-after the emulator sent (inside LowCodeAPI's body headers).
    with_after = [(h, w) for _, h, w in decisions if w is not None and "retry-after-ms" in h]
    assert len(with_after) >= 10
    for headers, wait in with_after:
        assert wait == pytest.approx(float(headers["retry-after-ms"]) / 1000)
    # A request given more retries than its faults in a row always succeeds.
    assert all(o[0] for o in outcomes if o[2] < 4)


def test_fault_acceptance_async_over_loopback():
    """Real sockets: dropped connections are real here. Same accounting as above, smaller."""
    with Emulator(fault_rate=0.3, fault_retry_after=0.01) as emu:

        async def main():
            async with emu.async_client(max_retries=3, retry_policy=FAST) as client:
                outs = []
                for _ in range(40):
                    try:
                        outs.append((await client.models.retrieve("gpt-4o-mini")).id)
                    except Exception as exc:  # noqa: BLE001 - classified below
                        outs.append(type(exc).__name__)
                return outs

        outs = asyncio.run(main())
    failures = [o for o in outs if o != "gpt-4o-mini"]
    assert not failures, failures


@pytest.mark.parametrize(
    ("fault", "cls"),
    [
        ("status=400", BadRequestError),
        ("status=401", AuthenticationError),
        ("status=403", PermissionDeniedError),
        ("status=404", NotFoundError),
        ("status=429;code=insufficient_quota", InsufficientQuotaError),
    ],
)
@pytest.mark.parametrize("async_", [False, True])
def test_non_transient_errors_raise_at_once(fault, cls, async_):
    emu = Emulator()
    seen: list = []
    client = counting_client(emu, seen, async_=async_, max_retries=3, retry_policy=FAST)
    call = dict(model="gpt-4o-mini", messages=MSG, extra_headers={"X-Emulator-Fault": fault})
    if async_:

        async def main():
            async with client:
                with pytest.raises(cls) as info:
                    await client.chat.completions.create(**call)
                return info.value

        err = asyncio.run(main())
    else:
        with client:
            with pytest.raises(cls) as info:
                client.chat.completions.create(**call)
            err = info.value
    assert type(err) is cls
    assert len(seen) == 1
    if cls is InsufficientQuotaError:
        assert isinstance(err, RateLimitError) and err.code == "insufficient_quota"


@pytest.mark.parametrize(
    ("token", "cls", "reason"),
    [
        ("at_unknown_token_123", PermissionDeniedError, "Invalid api_token"),
        ("not-a-token", AuthenticationError, "A valid API token is required"),
    ],
)
def test_real_auth_errors_show_the_reason(token, cls, reason):
    emu = Emulator()
    client = emu.client(api_token="at_unknown_token_123", owns_http_client=True, max_retries=3)
    if not token.startswith("at_"):  # refused at construction: reach the server's 401 anyway
        client = past_prefix_check(client, token)
    with client:
        with pytest.raises(cls) as info:
            client.models.list()
    assert reason in str(info.value)
    assert token not in str(info.value) + repr(info.value) + repr(info.value.body)


def test_openai_flavor_bad_key():
    emu = Emulator(flavor="openai")
    with emu.client(api_token="sk-wrong-key-000", owns_http_client=True) as client:
        with pytest.raises(AuthenticationError) as info:
            client.models.list()
    assert info.value.code == "invalid_api_key"
    assert "sk-wrong-key-000" not in str(info.value) + repr(info.value.body)


@pytest.mark.parametrize("stream_mode", ["incremental", "buffered"])
def test_stream_cut_raises_interrupted_with_text(stream_mode):
    from lcoai_notebook import StreamInterruptedError

    with Emulator(stream_mode=stream_mode) as emu, emu.client() as client:
        full = client.chat.completions.create(model="gpt-4o-mini", messages=MSG, seed=2)
        stream = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=MSG,
            seed=2,
            stream=True,
            extra_headers={"X-Emulator-Fault": "cut_after=3"},
        )
        with pytest.raises(StreamInterruptedError) as info:
            for _ in stream:
                pass
    text = info.value.text
    assert len(info.value.chunks) == 3
    assert text and full.choices[0].message.content.startswith(text)
