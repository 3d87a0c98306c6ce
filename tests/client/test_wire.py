"""The pure wire layer: URLs, auth, envelope, error shapes, route-404s, redaction."""

from __future__ import annotations

import json

import pytest

from lcoai_notebook import _wire
from lcoai_notebook._wire import (
    build_url,
    is_unknown_route,
    parse_error,
    redact,
    redact_obj,
    register_secret,
    unwrap_envelope,
)


def test_lowcodeapi_new_format_fills_path():
    url, query = build_url(
        "lowcodeapi",
        "https://api.lowcodeapi.com/openai/",
        "/models/{model}",
        {"model": "gpt-5"},
        "new",
    )
    assert url == "https://api.lowcodeapi.com/openai/v1/models/gpt-5"
    assert query == {}


def test_lowcodeapi_old_format_literal_names_and_query():
    url, query = build_url(
        "lowcodeapi",
        "https://h/openai",
        "/threads/{thread_id}/messages/{message_id}",
        {"thread_id": "t1", "message_id": "m2"},
        "old",
    )
    assert url == "https://h/openai/v1/threads/thread_id/messages/message_id"
    assert query == {"thread_id": "t1", "message_id": "m2"}


def test_openai_flavor_ignores_old_format():
    url, query = build_url(
        "openai", "https://api.openai.com/v1", "/models/{model}", {"model": "x"}, "old"
    )
    assert url == "https://api.openai.com/v1/models/x"
    assert query == {}


def test_path_values_keep_colons_and_at_signs():
    url, _ = build_url(
        "lowcodeapi", "http://h/openai", "/models/{model}", {"model": "ft:gpt-4o:org@x:y"}, "new"
    )
    assert url == "http://h/openai/v1/models/ft:gpt-4o:org@x:y"


BAD_IDS = ["", ".", "..", "a/b", "a\\b", "a?b", "a#b", "a%2Fb", "a b", "a\tb", "a\nb", "a\x00b",
           "a\x1bb", "a\x7fb", "a\x85b", "a\u2028b", "a\u00a0b", "a\ufeffb", "a\ud800b", " ab",
           "ab\n"]


@pytest.mark.parametrize("fmt", ["new", "old"])
@pytest.mark.parametrize("flavor", ["lowcodeapi", "openai"])
@pytest.mark.parametrize("bad", BAD_IDS)
def test_path_ids_that_would_change_the_route_are_refused(bad, flavor, fmt):
    """Issue 8, item 1: httpx collapses "." and ".." (DELETE .../files/.. deleted the store);
    the others end, escape or corrupt the segment. Refused in every flavor and format."""
    with pytest.raises(ValueError, match="file_id"):
        build_url(flavor, "http://h/openai", "/vector_stores/{vector_store_id}/files/{file_id}",
                  {"vector_store_id": "vs_1", "file_id": bad}, fmt)


def test_path_ids_must_be_strings():
    with pytest.raises(TypeError, match="model"):
        build_url("openai", "http://h/v1", "/models/{model}", {"model": 7}, "new")


@pytest.mark.parametrize("good", ["file-abc123", "ft:gpt-4o-mini:org:custom:id", "vs_ABC",
                                  "a.b", "...", "a..b", "gpt-4o-mini-2024-07-18", "m\u00e9"])
def test_ordinary_ids_pass(good):
    url, _ = build_url("lowcodeapi", "http://h/openai", "/models/{model}", {"model": good}, "new")
    assert url.startswith("http://h/openai/v1/models/")


def test_missing_path_param_is_a_value_error():
    with pytest.raises(ValueError, match="model"):
        build_url("lowcodeapi", "http://h/openai", "/models/{model}", {}, "new")


def test_paths_without_params_are_identical_in_both_formats():
    assert build_url("lowcodeapi", "http://h/openai", "/chat/completions", {}, "new") == build_url(
        "lowcodeapi", "http://h/openai", "/chat/completions", {}, "old"
    )


def test_auth_placement():
    assert _wire.auth_params("lowcodeapi", "at_x") == ({"api_token": "at_x"}, {})
    assert _wire.auth_params("openai", "sk-x") == ({}, {"Authorization": "Bearer sk-x"})
    assert _wire.auth_params("openai", None) == ({}, {})


def test_unwrap_envelope_and_headers():
    body = {
        "message": "Request completed",
        "provider": "openai",
        "result": {"id": "x"},
        "response_headers": {"X-Request-Id": "req_1"},
    }
    assert unwrap_envelope(body) == ({"id": "x"}, {"x-request-id": "req_1"})
    # A plain OpenAI body that happens to have a "result" key is not an envelope.
    assert unwrap_envelope({"result": 1}) == ({"result": 1}, {})
    assert unwrap_envelope([1, 2]) == ([1, 2], {})


def test_parse_upstream_nested_error():
    body = {
        "message": "Error received from the openai API",
        "provider": "openai",
        "error": {
            "error": {
                "message": "The model `nope` does not exist",
                "type": "invalid_request_error",
                "param": "model",
                "code": "model_not_found",
            }
        },
        "headers": {"x-request-id": "req_abc", "retry-after": "2"},
    }
    info = parse_error(404, json.dumps(body).encode(), {"content-type": "application/json"})
    assert info.message == "The model `nope` does not exist"
    assert (info.code, info.type, info.param) == (
        "model_not_found",
        "invalid_request_error",
        "model",
    )
    assert info.request_id == "req_abc"
    assert info.headers["retry-after"] == "2"
    assert info.body["code"] == "model_not_found"
    assert info.source == "upstream"


def test_parse_lowcodeapi_own_error_shows_reason():
    body = {"message": "Invalid api_token", "provider": "openai", "error": {"code": 403}}
    info = parse_error(403, json.dumps(body).encode())
    assert info.message == "Invalid api_token"
    assert info.code is None
    assert info.source == "lowcodeapi"


def test_parse_plain_openai_error_with_http_headers():
    body = {
        "error": {
            "message": "Incorrect API key provided",
            "type": "invalid_request_error",
            "param": None,
            "code": "invalid_api_key",
        }
    }
    info = parse_error(401, json.dumps(body).encode(), {"X-Request-ID": "req_h"})
    assert info.message == "Incorrect API key provided"
    assert info.code == "invalid_api_key"
    assert info.request_id == "req_h"


def test_body_headers_override_http_headers():
    body = {
        "message": "m",
        "provider": "openai",
        "error": {"error": {"message": "slow down"}},
        "headers": {"retry-after-ms": "20"},
    }
    info = parse_error(429, json.dumps(body).encode(), {"retry-after-ms": "9999", "x-other": "1"})
    assert info.headers["retry-after-ms"] == "20"
    assert info.headers["x-other"] == "1"


def test_parse_non_json_error():
    info = parse_error(502, b"<html>Bad gateway</html>")
    assert "Bad gateway" in info.message
    assert parse_error(500, b"").message == "HTTP 500"


def test_unknown_route_vs_upstream_404():
    assert is_unknown_route(404, {"message": "Not Found"})
    assert not is_unknown_route(
        404,
        {
            "message": "Error received from the openai API",
            "error": {"error": {"code": "model_not_found"}},
        },
    )
    assert not is_unknown_route(404, {"error": {"message": "x", "code": "model_not_found"}})
    assert not is_unknown_route(400, {"message": "Not Found"})


def test_redact_query_json_bearer_and_registered():
    assert (
        redact("GET http://h/v1/models?limit=2&api_token=at_abc123&x=1")
        == "GET http://h/v1/models?limit=2&api_token=***&x=1"
    )
    assert redact('{"api_token": "at_abc"}') == '{"api_token": "***"}'
    assert redact("{'api_token': 'at_abc'}") == "{'api_token': '***'}"
    assert redact("Authorization: Bearer sk-secret-key") == "Authorization: Bearer ***"
    register_secret("at_literal_secret_99")
    assert redact("token at_literal_secret_99 here") == "token *** here"
    assert redact("nothing to hide") == "nothing to hide"


def test_redact_obj_recursive():
    body = {
        "error": {
            "logging": {
                "query": {"api_token": "at_zzz", "limit": "2"},
                "headers": {"authorization": "Bearer sk-1"},
            }
        },
        "note": "see ?api_token=at_zzz",
    }
    clean = redact_obj(body)
    text = json.dumps(clean)
    assert "at_zzz" not in text and "sk-1" not in text
    assert clean["error"]["logging"]["query"]["limit"] == "2"


def test_lowcodeapi_401_echo_is_redacted():
    body = {
        "message": "A valid API token is required to access this API.",
        "provider": "openai",
        "error": {
            "code": 401,
            "logging": {
                "method": "GET",
                "query": {"api_token": "bad_tok_x"},
                "path": "/openai/v1/models?api_token=bad_tok_x",
            },
        },
    }
    info = parse_error(401, json.dumps(body).encode())
    assert info.message == "A valid API token is required to access this API."
    assert "bad_tok_x" not in json.dumps(info.body)


def test_parse_error_odd_bodies_still_show_the_reason():
    # An upstream body whose "error" is a string (a gateway in front of OpenAI, say).
    body = {
        "message": "Error received from the openai API",
        "provider": "openai",
        "error": {"error": "Bad gateway from upstream"},
    }
    info = parse_error(502, json.dumps(body).encode())
    assert info.message == "Bad gateway from upstream"
    assert info.source == "upstream"
    # OpenAI-compatible servers built on FastAPI say why in "detail".
    assert parse_error(404, b'{"detail": "Model not loaded"}').message == "Model not loaded"
    # A non-dict error field and a JSON list do not crash and keep a useful message.
    assert parse_error(500, b'{"error": 42}').message == "HTTP 500"
    assert "x" in parse_error(500, b'["x"]').message


def test_parse_error_html_page_is_read_as_text():
    page = (
        b"<html>\r\n<head><title>502 Bad Gateway</title><style>p{x:1}</style></head>\r\n"
        b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
        b"<script>var a = 1;</script></body></html>"
    )
    info = parse_error(502, page)
    assert info.message == "502 Bad Gateway 502 Bad Gateway nginx"
    assert info.body.startswith("<html>")  # the raw page stays available


def _lower_hex(text: str) -> str:
    import re

    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group().lower(), text)


def test_every_encoding_of_a_registered_token_is_redacted():
    """Issue 8, item 4: a server echoing the token as it travelled (percent-encoded) leaked it."""
    from urllib.parse import quote, quote_plus

    import httpx

    token = "at_ENC+tok/en=x&y z~é"
    register_secret(token)
    spellings = {
        "raw": token,
        "httpx query": str(httpx.QueryParams({"k": token}))[2:],
        "quote": quote(token, safe=""),
        "quote keeps /": quote(token),
        "lower hex": _lower_hex(quote(token, safe="")),
        "form": quote_plus(token),
        "json slash": json.dumps(token).strip('"').replace("/", "\\/"),
        "mixed": "at_ENC%2btok/en%3Dx&y+z~%C3%a9",
    }
    for label, spelled in spellings.items():
        out = redact(f"echo [{spelled}] done")
        assert out == "echo [***] done", (label, spelled, out)
    # In structures (bodies, headers) as in text.
    assert redact_obj({"h": [quote(token, safe="")]}) == {"h": ["***"]}
    # Ordinary text that shares the token's letters is left alone.
    assert redact("at_ENC tok en") == "at_ENC tok en"


def test_redacting_filter_sees_encoded_tokens_in_log_records():
    import logging
    from urllib.parse import quote

    from lcoai_notebook._logging import RedactingFilter

    token = "at_LOG+tok/en=77&q"
    register_secret(token)
    rec = logging.LogRecord("httpx", logging.INFO, __file__, 1, "echo %s and %s",
                            (quote(token, safe=""), _lower_hex(quote(token, safe=""))), None)
    RedactingFilter().filter(rec)
    assert rec.getMessage() == "echo *** and ***"


def test_clean_text_strips_terminal_control_but_keeps_text():
    from lcoai_notebook._wire import clean_text

    assert clean_text("\x1b[1;31mred\x1b[0m") == "red"
    assert clean_text("a\x1b]0;title\x07b") == "ab"  # OSC ended by BEL
    assert clean_text("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b") == "alinkb"  # hyperlink
    assert clean_text("a\x9b2Jb\x9d0;t\x9cc") == "abc"  # 8-bit CSI and OSC
    assert clean_text("x\x00\x08\x7f\x85y") == "xy"
    assert clean_text("line 1\nline 2\ttab ü ✓") == "line 1\nline 2\ttab ü ✓"
    assert clean_text("a\x1bMb\x1b(Bc") == "abc"  # two- and three-byte ESC sequences


# -- fuzz: redaction of every spelling, for tokens of any characters ------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TOKEN_TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc")), min_size=8, max_size=24
).map(lambda t: "at_" + t)


@settings(max_examples=40, derandomize=True, database=None, deadline=None)
@given(token=_TOKEN_TEXT, prefix=st.text(max_size=5), suffix=st.text(max_size=5))
def test_fuzz_every_spelling_of_any_token_is_redacted(token, prefix, suffix):
    from urllib.parse import quote, quote_plus

    import httpx

    register_secret(token)
    spellings = [token, quote(token, safe=""), quote(token), quote_plus(token),
                 _lower_hex(quote(token, safe="")), str(httpx.QueryParams({"k": token}))[2:],
                 json.dumps(token)[1:-1], json.dumps(token, ensure_ascii=False)[1:-1]]
    for spelled in spellings:
        out = redact(f"{prefix}<{spelled}>{suffix}")
        assert "***" in out
        for other in spellings:
            assert other not in out, (spelled, out)
