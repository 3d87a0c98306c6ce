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


def test_path_values_are_percent_encoded_but_keep_colons():
    url, _ = build_url(
        "lowcodeapi", "http://h/openai", "/models/{model}", {"model": "ft:gpt-4o:org:x/y"}, "new"
    )
    assert url == "http://h/openai/v1/models/ft:gpt-4o:org:x%2Fy"


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
