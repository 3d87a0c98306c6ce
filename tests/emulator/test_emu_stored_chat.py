"""Stored chat completions in the emulator (issue 12): ``store: true`` on create, then list,
retrieve, update, delete and the stored messages, schema-valid against the OpenAPI spec, through
raw HTTP and through the official ``openai`` SDK served on loopback; absent in the lowcodeapi
flavor, which defines only ``POST /v1/chat/completions``."""

from __future__ import annotations

from typing import Any

import httpx
import openai
import pytest
from _schema import validate_response
from jsonschema import ValidationError

from lcoai_notebook.emulator import Emulator

MODEL = "gpt-4o-mini"


def oa(emu: Emulator) -> httpx.Client:
    return httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url,
                        headers={"Authorization": f"Bearer {emu.api_token}"})


def create(http: httpx.Client, text: str, **extra: Any) -> dict[str, Any]:
    r = http.post("/chat/completions", json={
        "model": extra.pop("model", MODEL), "messages": [{"role": "user", "content": text}],
        "seed": 1, **extra})
    assert r.status_code == 200, r.text
    return r.json()


def validate_messages(body: dict[str, Any]) -> None:
    """``getChatCompletionMessages`` against the spec. The spec types every item as a response
    message, whose ``role`` may only be ``assistant``, yet the service lists the request's own
    messages (its documented example shows ``"role": "user"``): that flaw aside, the body must
    validate."""
    try:
        validate_response("getChatCompletionMessages", body)
    except ValidationError as exc:
        assert list(exc.absolute_path)[-1:] == ["role"] and exc.validator == "enum", exc
        assigned = {**body, "data": [{**m, "role": "assistant"} for m in body["data"]]}
        validate_response("getChatCompletionMessages", assigned)


def test_store_true_keeps_the_completion_as_returned_with_its_metadata() -> None:
    with oa(Emulator(flavor="openai")) as http:
        made = create(http, "Name three rivers.", store=True, metadata={"lesson": "geo"})
        plain = create(http, "Not kept")
        got = http.get(f"/chat/completions/{made['id']}")
        missing = http.get(f"/chat/completions/{plain['id']}")
    assert got.status_code == 200
    body = got.json()
    validate_response("getChatCompletion", body)
    assert body["metadata"] == {"lesson": "geo"}
    assert {k: v for k, v in body.items() if k != "metadata"} == made
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == f"No such chat completion object: {plain['id']}"


def test_a_streamed_completion_is_stored_with_the_streamed_text() -> None:
    import json

    with oa(Emulator(flavor="openai")) as http:
        r = http.post("/chat/completions", json={
            "model": MODEL, "messages": [{"role": "user", "content": "Tell me about owls"}],
            "stream": True, "store": True, "seed": 3})
        events = [json.loads(line[6:]) for line in r.text.splitlines()
                  if line.startswith("data: {")]
        text = "".join(e["choices"][0]["delta"].get("content") or "" for e in events
                       if e["choices"])
        stored = http.get(f"/chat/completions/{events[0]['id']}").json()
    assert text and stored["choices"][0]["message"]["content"] == text
    validate_response("getChatCompletion", stored)


def test_list_filters_pages_and_orders() -> None:
    with oa(Emulator(flavor="openai")) as http:
        a = create(http, "one", store=True, metadata={"lesson": "1", "kind": "q"})["id"]
        b = create(http, "two", store=True, metadata={"lesson": "2"}, model="gpt-4.1-mini")["id"]
        c = create(http, "three", store=True, metadata={"lesson": "1"})["id"]
        create(http, "four")  # not stored: never listed
        everything = http.get("/chat/completions").json()
        first = http.get("/chat/completions", params={"limit": 2}).json()
        rest = http.get("/chat/completions", params={"limit": 2, "after": first["last_id"]})
        newest = http.get("/chat/completions", params={"order": "desc"}).json()
        by_model = http.get("/chat/completions", params={"model": "gpt-4.1-mini"}).json()
        lesson1 = http.get("/chat/completions", params={"metadata[lesson]": "1"}).json()
        both = http.get("/chat/completions",
                        params={"metadata[lesson]": "1", "metadata[kind]": "q"}).json()
        none = http.get("/chat/completions", params={"metadata[lesson]": "9"}).json()
        bad_order = http.get("/chat/completions", params={"order": "sideways"})
        bad_filter = http.get("/chat/completions", params={"metadata[": "1"})
    for page in (everything, first, rest.json(), newest, by_model, lesson1):
        validate_response("listChatCompletions", page)
    assert [d["id"] for d in everything["data"]] == [a, b, c]  # oldest first by default
    assert (first["has_more"], [d["id"] for d in first["data"]]) == (True, [a, b])
    assert (rest.json()["has_more"], [d["id"] for d in rest.json()["data"]]) == (False, [c])
    assert [d["id"] for d in newest["data"]] == [c, b, a]
    assert [d["id"] for d in by_model["data"]] == [b]
    assert [d["id"] for d in lesson1["data"]] == [a, c]
    assert [d["id"] for d in both["data"]] == [a]
    assert none == {"object": "list", "data": [], "first_id": None, "last_id": None,
                    "has_more": False}
    assert bad_order.status_code == 400 and bad_order.json()["error"]["param"] == "order"
    assert bad_filter.status_code == 400 and bad_filter.json()["error"]["param"] == "metadata"


def test_update_replaces_metadata_and_delete_removes() -> None:
    with oa(Emulator(flavor="openai")) as http:
        cid = create(http, "Hello", store=True, metadata={"a": "1", "b": "2"})["id"]
        updated = http.post(f"/chat/completions/{cid}", json={"metadata": {"c": "3"}})
        listed = http.get("/chat/completions", params={"metadata[a]": "1"}).json()
        no_metadata = http.post(f"/chat/completions/{cid}", json={})
        extra = http.post(f"/chat/completions/{cid}", json={"metadata": {}, "model": "x"})
        too_many = http.post(f"/chat/completions/{cid}",
                             json={"metadata": {str(i): "v" for i in range(17)}})
        cleared = http.post(f"/chat/completions/{cid}", json={"metadata": None})
        deleted = http.delete(f"/chat/completions/{cid}")
        after = [http.get(f"/chat/completions/{cid}"), http.delete(f"/chat/completions/{cid}"),
                 http.get(f"/chat/completions/{cid}/messages")]
        remaining = http.get("/chat/completions").json()
    assert updated.status_code == 200
    validate_response("updateChatCompletion", updated.json())
    assert updated.json()["metadata"] == {"c": "3"} and updated.json()["id"] == cid
    assert listed["data"] == []  # the old pair is gone, not merged
    assert no_metadata.status_code == 400
    assert no_metadata.json()["error"]["code"] == "missing_required_parameter"
    assert extra.status_code == 400 and "model" in extra.json()["error"]["message"]
    assert too_many.status_code == 400
    assert cleared.status_code == 200 and cleared.json()["metadata"] == {}
    validate_response("deleteChatCompletion", deleted.json())
    assert deleted.json() == {"object": "chat.completion.deleted", "id": cid, "deleted": True}
    assert [r.status_code for r in after] == [404, 404, 404]
    assert remaining["data"] == []


def test_messages_are_the_request_messages_with_ids_and_parts() -> None:
    msgs = [{"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "text", "text": "What is in "},
                                         {"type": "text", "text": "this picture?"},
                                         {"type": "image_url",
                                          "image_url": {"url": "https://example.com/a.png"}}]},
            {"role": "assistant", "content": "A cat."},
            {"role": "user", "content": "Thanks", "name": "sam"}]
    with oa(Emulator(flavor="openai")) as http:
        r = http.post("/chat/completions", json={"model": MODEL, "messages": msgs,
                                                 "store": True})
        cid = r.json()["id"]
        page = http.get(f"/chat/completions/{cid}/messages").json()
        first = http.get(f"/chat/completions/{cid}/messages", params={"limit": 3}).json()
        rest = http.get(f"/chat/completions/{cid}/messages",
                        params={"after": first["last_id"]}).json()
        desc = http.get(f"/chat/completions/{cid}/messages", params={"order": "desc"}).json()
        bad_cursor = http.get(f"/chat/completions/{cid}/messages", params={"after": "nope"})
    for body in (page, first, rest, desc):
        validate_messages(body)
    data = page["data"]
    assert [m["id"] for m in data] == [f"{cid}-{i}" for i in range(4)]
    assert [m["role"] for m in data] == ["system", "user", "assistant", "user"]
    assert data[0]["content"] == "Be brief." and data[0]["content_parts"] is None
    assert data[1]["content"] == "What is in this picture?"
    assert [p["type"] for p in data[1]["content_parts"]] == ["text", "text", "image_url"]
    assert data[3]["name"] == "sam"
    assert first["has_more"] is True and [m["id"] for m in rest["data"]] == [f"{cid}-3"]
    assert [m["id"] for m in desc["data"]] == [f"{cid}-{i}" for i in (3, 2, 1, 0)]
    assert bad_cursor.status_code == 400


@pytest.mark.parametrize("body,param", [
    ({"store": "yes"}, "store"),
    ({"store": True, "metadata": ["a"]}, "metadata"),
    ({"store": True, "metadata": {"k": 1}}, "metadata.k"),
    ({"store": True, "metadata": {"k" * 65: "v"}}, "metadata." + "k" * 65),
])
def test_bad_store_or_metadata_is_a_400_and_stores_nothing(body: dict[str, Any],
                                                          param: str) -> None:
    with oa(Emulator(flavor="openai")) as http:
        r = http.post("/chat/completions", json={
            "model": MODEL, "messages": [{"role": "user", "content": "Hi"}], **body})
        listed = http.get("/chat/completions").json()
    assert r.status_code == 400 and r.json()["error"]["param"] == param
    assert listed["data"] == []


def test_lowcodeapi_flavor_has_only_the_create_route() -> None:
    emu = Emulator()
    token = {"api_token": emu.api_token}
    with httpx.Client(transport=emu.transport(), base_url=emu.inprocess_url) as http:
        made = http.post("/v1/chat/completions", params=token, json={
            "model": MODEL, "messages": [{"role": "user", "content": "Hi"}], "store": True})
        cid = made.json()["result"]["id"]
        answers = [
            http.get("/v1/chat/completions", params=token),
            http.get(f"/v1/chat/completions/{cid}", params=token),
            http.get("/v1/chat/completions/completion_id",
                     params={**token, "completion_id": cid}),  # the Old format
            http.post(f"/v1/chat/completions/{cid}", params=token, json={"metadata": {}}),
            http.delete(f"/v1/chat/completions/{cid}", params=token),
            http.get(f"/v1/chat/completions/{cid}/messages", params=token),
        ]
    assert made.status_code == 200
    for r in answers:
        assert (r.status_code, r.json()) == (404, {"message": "Not Found"}), r.request.url


def test_official_sdk_over_loopback() -> None:
    """The official SDK's own methods, against the emulator served on 127.0.0.1."""
    with Emulator(flavor="openai") as emu, openai.OpenAI(
            base_url=emu.url, api_key=emu.api_token, max_retries=0) as sdk:
        ask = [{"role": "user", "content": "What is the capital of France?"}]
        made = sdk.chat.completions.create(model=MODEL, messages=ask, store=True,
                                           metadata={"lesson": "1"}, seed=5)
        others = [sdk.chat.completions.create(model="gpt-4.1-mini", store=True, messages=[
            {"role": "user", "content": f"Question {i}"}]).id for i in range(3)]
        sdk.chat.completions.create(model=MODEL, messages=ask)  # not stored

        got = sdk.chat.completions.retrieve(made.id)
        assert got.choices[0].message.content == made.choices[0].message.content
        assert got.metadata == {"lesson": "1"}

        # The SDK's cursor page follows `after` itself: three pages of one.
        assert [c.id for c in sdk.chat.completions.list(limit=1)] == [made.id, *others]
        assert [c.id for c in sdk.chat.completions.list(model="gpt-4.1-mini",
                                                        order="desc")] == others[::-1]
        assert [c.id for c in sdk.chat.completions.list(metadata={"lesson": "1"})] == [made.id]

        changed = sdk.chat.completions.update(made.id, metadata={"lesson": "2"})
        assert changed.metadata == {"lesson": "2"}
        assert list(sdk.chat.completions.list(metadata={"lesson": "1"})) == []

        messages = list(sdk.chat.completions.messages.list(made.id))
        assert [(m.id, m.role, m.content) for m in messages] == [
            (f"{made.id}-0", "user", "What is the capital of France?")]

        gone = sdk.chat.completions.delete(made.id)
        assert (gone.id, gone.deleted, gone.object) == (made.id, True, "chat.completion.deleted")
        with pytest.raises(openai.NotFoundError):
            sdk.chat.completions.retrieve(made.id)
        assert [c.id for c in sdk.chat.completions.list()] == others
