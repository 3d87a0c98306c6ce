"""Client / AsyncClient construction, settings, namespaces and lifecycle."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import httpx
import pytest
from _client_helpers import TOKEN, envelope

from lcoai_notebook import AsyncClient, Client
from lcoai_notebook._config import RetryPolicy, Timeout
from lcoai_notebook._http import RequestSpec


def mock_client(cls=Client, handler=None, **kw):
    handler = handler or (lambda r: httpx.Response(200, json=envelope({"ok": True})))
    http = (httpx.Client if cls is Client else httpx.AsyncClient)(
        transport=httpx.MockTransport(handler)
    )
    return cls(api_token=TOKEN, http_client=http, owns_http_client=True, **kw)


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize(
    ("kwargs", "exc", "words"),
    [
        ({"flavor": "azure"}, ValueError, ["flavor", "'lowcodeapi'", "'openai'"]),
        ({"url_format": "newest"}, ValueError, ["url_format", "'auto'", "'new'", "'old'"]),
        ({"max_retries": -1}, ValueError, ["max_retries", ">= 0"]),
        ({"max_retries": 1.5}, TypeError, ["max_retries"]),
        ({"max_retries": True}, TypeError, ["max_retries"]),
        ({"timeout": -3}, ValueError, ["timeout"]),
        ({"timeout": "long"}, TypeError, ["timeout"]),
        ({"api_token": 12345}, TypeError, ["api_token"]),
        ({"base_url": "ftp://x"}, ValueError, ["base_url"]),
        ({"http_client": object()}, TypeError, ["http_client"]),
        ({"retry_policy": {"initial": 1}}, TypeError, ["retry_policy"]),
    ],
)
def test_bad_arguments_name_the_parameter(cls, kwargs, exc, words):
    with pytest.raises(exc) as info:
        cls(**kwargs)
    for word in words:
        assert word in str(info.value)


def test_sync_client_rejects_async_http_client():
    http = httpx.AsyncClient()
    try:
        with pytest.raises(TypeError, match="httpx.Client"):
            Client(http_client=http)
    finally:
        asyncio.run(http.aclose())


def test_signature_is_exactly_the_contract():
    import inspect

    for cls in (Client, AsyncClient):
        params = list(inspect.signature(cls).parameters.values())
        positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
        assert positional == [
            "api_token",
            "base_url",
            "flavor",
            "url_format",
            "timeout",
            "max_retries",
            "http_client",
        ]
        defaults = {p.name: p.default for p in params}
        assert defaults["flavor"] == "lowcodeapi" and defaults["url_format"] == "auto"
        assert defaults["max_retries"] == 2 and defaults["api_token"] is None


def test_token_from_env_and_defaults(monkeypatch):
    monkeypatch.setenv("LCOAI_API_TOKEN", "at_from_env_123")
    with Client() as c:
        assert c.requester._token == "at_from_env_123"
        assert c.base_url == "https://api.lowcodeapi.com/openai"
        assert c.flavor == "lowcodeapi" and c.url_format == "auto" and c.max_retries == 2
        assert c.timeout == Timeout()
    with Client(api_token="at_arg_456") as c:
        assert c.requester._token == "at_arg_456"


def test_openai_flavor_env_key_and_base(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-openai-env-1")
    with Client(flavor="openai") as c:
        assert c.requester._token == "sk-openai-env-1"
        assert c.base_url == "https://api.openai.com/v1"
    with pytest.raises(ValueError, match="api_token is required"):
        Client()  # lowcodeapi does not read OPENAI_API_KEY
    monkeypatch.setenv("LCOAI_BASE_URL", "http://127.0.0.1:9/openai/")
    with Client(api_token="at_x") as c:
        assert c.base_url == "http://127.0.0.1:9/openai"


def test_repr_shows_settings_not_token():
    with Client(api_token="at_super_secret_repr") as c:
        text = repr(c) + str(c) + repr(c.requester)
        assert "at_super_secret_repr" not in text
        assert "flavor='lowcodeapi'" in text and "api.lowcodeapi.com" in text and "<set>" in text
    with Client(flavor="openai", base_url="http://127.0.0.1:9/v1") as c:
        assert "api_token=None" in repr(c)


def test_constructing_does_not_import_api_modules():
    code = (
        "import sys, lcoai_notebook as l; c = l.Client(api_token='at_x'); "
        "mods = [m for m in sys.modules if m.startswith('lcoai_notebook.api.')]; "
        "assert not [m for m in mods if m != 'lcoai_notebook.api._resource'], mods; c.close()"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_namespaces_lazy_and_cached(monkeypatch):
    import types

    class Fake:
        def __init__(self, requester):
            self.requester = requester

    module = types.ModuleType("lcoai_notebook.api.moderations")
    module.Moderations = Fake
    monkeypatch.setitem(sys.modules, "lcoai_notebook.api.moderations", module)
    with mock_client() as c:
        ns = c.moderations
        assert isinstance(ns, Fake) and ns.requester is c.requester
        assert c.moderations is ns


def test_missing_api_module_breaks_only_its_attribute(monkeypatch):
    monkeypatch.setitem(sys.modules, "lcoai_notebook.api.vector_stores", None)
    with mock_client() as c:
        with pytest.raises(ImportError):
            c.vector_stores  # noqa: B018
        assert c.requester.request(RequestSpec("GET", "/models")).ok


def test_with_options_shares_pool_and_keeps_settings():
    c = mock_client(timeout=20, max_retries=4, retry_policy=RetryPolicy(initial=0.01))
    c2 = c.with_options(max_retries=0)
    c3 = c.with_options(timeout=1.5)
    assert c2.max_retries == 0 and c2.timeout == c.timeout
    assert c3.timeout.read == 1.5 and c3.max_retries == 4
    assert c2.requester._http is c.requester._http
    assert c2.requester.route_memory is c.requester.route_memory
    assert c2.requester.retry_policy is c.requester.retry_policy
    c2.close()  # a copy does not own the pool
    assert not c.requester._http.is_closed
    c.close()
    assert c.requester._http.is_closed
    with pytest.raises(ValueError, match="max_retries"):
        c.with_options(max_retries=-2)


def test_user_http_client_is_not_closed_unless_owned():
    http = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, json={})))
    with Client(api_token=TOKEN, http_client=http):
        pass
    assert not http.is_closed
    http.close()


def test_async_client_lifecycle():
    async def main():
        async with mock_client(AsyncClient) as c:
            out = await c.requester.request(RequestSpec("GET", "/models"))
            assert c.requester.is_async
            http = c.requester._http
        return out, http

    out, http = asyncio.run(main())
    assert out.ok is True
    assert http.is_closed


def test_default_headers_and_user_agent():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json=envelope({}))

    with mock_client(handler=handler, default_headers={"X-Workshop": "w1"}) as c:
        c.requester.request(RequestSpec("GET", "/models", headers={"X-Call": "1"}))
    assert seen[0].headers["x-workshop"] == "w1"
    assert seen[0].headers["x-call"] == "1"
    assert seen[0].headers["user-agent"].startswith("lcoai-notebook/")


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_lowcodeapi_without_a_token_says_how_to_give_one(cls, monkeypatch):
    monkeypatch.delenv("LCOAI_API_TOKEN", raising=False)
    with pytest.raises(ValueError) as info:
        cls()
    assert "LCOAI_API_TOKEN" in str(info.value) and "connect()" in str(info.value)
    # The openai flavor can talk to token-less OpenAI-compatible servers.
    client = cls(flavor="openai", base_url="http://127.0.0.1:9/v1")
    assert not client.has_token


@pytest.mark.parametrize("cls", [Client, AsyncClient])
def test_bad_base_url_from_the_environment_is_named_at_construction(cls, monkeypatch):
    """Not a retried 'connection error' at the first call."""
    monkeypatch.setenv("LCOAI_BASE_URL", "localhost:8000/openai")
    with pytest.raises(ValueError, match="LCOAI_BASE_URL"):
        cls(api_token=TOKEN)


# -- issue 8, item 10: a token LowCodeAPI cannot accept is refused before any request -------------

NOT_AT = ["sk-no-prefix-SENTINEL-1234", "AT_upper_case_SENTINEL", "bearer-SENTINEL-xyz",
          " at_leading_space_is_stripped_not_this", "xx_SENTINEL_malformed"]


@pytest.mark.parametrize("cls", [Client, AsyncClient])
@pytest.mark.parametrize("token", NOT_AT[:3] + NOT_AT[4:])
def test_a_token_without_at_is_refused_at_construction(cls, token):
    sent: list[httpx.Request] = []
    http_cls = httpx.Client if cls is Client else httpx.AsyncClient
    http = http_cls(transport=httpx.MockTransport(lambda r: sent.append(r) or httpx.Response(200)))
    with pytest.raises(ValueError, match=r"start with 'at_'") as info:
        cls(api_token=token, http_client=http)
    message = str(info.value)
    assert "flavor='openai'" in message and message.startswith("api_token is not a LowCodeAPI")
    assert token not in message and "SENTINEL" not in message and token[:6] not in message
    assert sent == []


def test_an_openai_key_gets_the_openai_hint_and_env_tokens_are_named(monkeypatch):
    with pytest.raises(ValueError, match=r"OpenAI key: pass flavor='openai'"):
        Client(api_token="sk-proj-abc123def456")
    monkeypatch.setenv("LCOAI_API_TOKEN", "sk-from-env-SENTINEL-99")
    with pytest.raises(ValueError, match=r"^LCOAI_API_TOKEN is not a LowCodeAPI token") as info:
        Client()
    assert "SENTINEL" not in str(info.value)


def test_other_tokens_still_work_where_they_belong(monkeypatch):
    # The openai flavor takes any key; lowcodeapi any at_ token (surrounding blanks stripped).
    with Client(api_token="sk-no-prefix-1234", flavor="openai") as c:
        assert c.requester._token == "sk-no-prefix-1234"
    with Client(api_token="  at_padded_token_1 ") as c:
        assert c.requester._token == "at_padded_token_1"
    from lcoai_notebook import connect

    monkeypatch.setenv("LCOAI_API_TOKEN", "at_env_token_for_connect")
    with connect() as c:
        assert c.requester._token == "at_env_token_for_connect"
    monkeypatch.setenv("LCOAI_API_TOKEN", "sk-not-lowcodeapi-000")
    with pytest.raises(ValueError, match="start with 'at_'"):
        connect()
    with connect(flavor="openai") as c:  # the same key, told where it belongs
        assert c.flavor == "openai"
