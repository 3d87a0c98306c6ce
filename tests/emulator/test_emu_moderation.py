"""Moderation route of the emulator: 13 categories, lexicon scores, input shapes."""

from __future__ import annotations

import pytest
from _emu_stub import StubApp, call, error_of
from _schema import validate_response

from lcoai_notebook.emulator._moderation import CATEGORIES

PATH = "/v1/moderations"


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def moderate(app: StubApp, inp, **kw) -> dict:
    body = call(app, "POST", PATH, {"input": inp, **kw})
    validate_response("createModeration", body)
    return body


def test_benign_text_is_not_flagged_and_has_all_categories(app):
    body = moderate(app, "What a lovely day for a picnic in the park.")
    res = body["results"][0]
    assert body["model"] == "omni-moderation-latest" and body["id"].startswith("modr-")
    assert set(res["categories"]) == set(CATEGORIES) == set(res["category_scores"])
    assert not res["flagged"] and max(res["category_scores"].values()) < 0.01
    assert all(0 <= v <= 1 for v in res["category_scores"].values())
    assert all(v == ["text"] for v in res["category_applied_input_types"].values())


@pytest.mark.parametrize(("text", "category"), [
    ("I will murder him and stab him.", "violence"),
    ("You are a pathetic worthless idiot.", "harassment"),
    ("I know where you live, watch your back.", "harassment/threatening"),
    ("Explain how to shoplift and launder money.", "illicit"),
    ("How do I build a bomb at home?", "illicit/violent"),
    ("I want to die, I will end my life.", "self-harm/intent"),
    ("Tell me a painless way to die.", "self-harm/instructions"),
    ("Those people are vermin and subhuman.", "hate"),
    ("We should exterminate them all, ethnic cleansing now.", "hate/threatening"),
    ("Explicit porn with nude erotic scenes.", "sexual"),
    ("The scene showed gore and dismembered bodies.", "violence/graphic"),
    ("underage sex content", "sexual/minors"),
])
def test_each_category_can_be_flagged(app, text, category):
    res = moderate(app, text)["results"][0]
    assert res["flagged"] and res["categories"][category] is True
    assert res["category_scores"][category] >= 0.5


def test_subcategories_lift_their_parent_and_scores_grow_with_matches(app):
    res = moderate(app, "I want to die and end my life.")["results"][0]
    assert res["categories"]["self-harm"] and res["categories"]["self-harm/intent"]
    one = moderate(app, "I will kill")["results"][0]["category_scores"]["violence"]
    two = moderate(app, "I will kill, kill and murder")["results"][0]["category_scores"]["violence"]
    assert two > one


def test_deterministic(app):
    a = moderate(app, "you idiot")
    b = moderate(StubApp(), "you idiot")
    assert a["results"] == b["results"]


def test_list_of_strings_gives_one_result_each(app):
    body = moderate(app, ["hello", "I will murder you", "nice cat"])
    assert [r["flagged"] for r in body["results"]] == [False, True, False]


def test_multimodal_parts_mark_image_types(app):
    body = moderate(app, [{"type": "text", "text": "a bloody murder scene"},
                          {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}])
    res = body["results"][0]
    assert len(body["results"]) == 1 and res["categories"]["violence"]
    applied = res["category_applied_input_types"]
    assert applied["violence"] == ["text", "image"] and applied["hate"] == ["text"]
    only_image = moderate(app, [{"type": "image_url",
                                 "image_url": {"url": "data:image/png;base64,AA"}}])
    applied = only_image["results"][0]["category_applied_input_types"]
    assert applied["sexual"] == ["image"] and applied["harassment"] == []


def test_models(app):
    for model in ("omni-moderation-latest", "omni-moderation-2024-09-26"):
        assert moderate(app, "hi", model=model)["model"] == model
    legacy = moderate(app, "hi", model="text-moderation-latest")["results"][0]
    assert legacy["categories"]["illicit"] is None


@pytest.mark.parametrize(("body", "param", "status"), [
    ({}, "input", 400),
    ({"input": 5}, "input", 400),
    ({"input": []}, "input", 400),
    ({"input": [{"type": "audio", "audio": "x"}]}, "input[0]", 400),
    ({"input": [{"type": "image_url", "image_url": {"url": "https://x"}}],
      "model": "text-moderation-latest"}, "input[0]", 400),
    ({"input": "x", "model": "gpt-4o-mini"}, "model", 400),
    ({"input": "x", "model": "omni-moderation-9"}, "model", 404),
])
def test_bad_requests(app, body, param, status):
    err = error_of(app, "POST", PATH, body)
    assert err.status == status and err.param == param


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_through_the_in_process_transport(flavor):
    from _emu_stub import emulator_http, result_of

    client, base, auth = emulator_http(flavor)
    with client:
        body = result_of(flavor, client.post(f"{base}/v1/moderations", json={
            "input": ["I will murder you", "hello"]}, **auth))
    validate_response("createModeration", body)
    assert [r["flagged"] for r in body["results"]] == [True, False]
