"""``POST /v1/moderations``: scores from a small lexicon over all 13 categories.

Each category has weighted cue words (matched on word starts, so "kill" also matches "killing").
A category's score is ``1 - exp(-sum of matched weights)`` plus a tiny deterministic floor (real
scores are never exactly zero); a category is flagged at 0.5 and an input when any category is.
Sub-categories also lift their parent (``hate/threatening`` raises ``hate``). Image parts cannot
be looked at, so they add only small deterministic scores to the image-capable categories, and
``category_applied_input_types`` says which input types were scored for each category.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ._errors import invalid, missing
from ._router import EmuRequest, route
from ._text import stable_hash, type_error

__all__ = ["CATEGORIES", "create_moderation", "score_text"]

CATEGORIES = ("hate", "hate/threatening", "harassment", "harassment/threatening", "illicit",
              "illicit/violent", "self-harm", "self-harm/intent", "self-harm/instructions",
              "sexual", "sexual/minors", "violence", "violence/graphic")
#: Categories OpenAI's omni models also score for images.
IMAGE_CATEGORIES = frozenset(("self-harm", "self-harm/intent", "self-harm/instructions", "sexual",
                              "violence", "violence/graphic"))

# cue (word start) -> weight; a weight near 0.7 alone gives a score ~0.5.
_LEXICON: dict[str, dict[str, float]] = {
    "hate": {"hate": 0.5, "vermin": 0.9, "subhuman": 1.2, "inferior race": 1.2, "racist": 0.6,
             "bigot": 0.5, "slur": 0.6, "go back to your country": 1.2, "degenerate": 0.6},
    "hate/threatening": {"exterminate": 1.0, "wipe them out": 1.2, "ethnic cleansing": 1.4,
                         "purge them": 1.0},
    "harassment": {"idiot": 0.8, "stupid": 0.6, "loser": 0.7, "moron": 0.8, "pathetic": 0.5,
                   "worthless": 0.7, "shut up": 0.5, "ugly": 0.5, "dumb": 0.5, "hate you": 0.9},
    "harassment/threatening": {"i will find you": 1.3, "watch your back": 1.1,
                               "you will regret": 0.9, "i know where you live": 1.4,
                               "going to hurt you": 1.3, "will hurt you": 1.3,
                               "will kill you": 1.6, "kill you": 1.2},
    "illicit": {"shoplift": 1.1, "steal": 0.7, "launder": 0.9, "counterfeit": 0.9,
                "hack into": 0.9, "fake id": 0.9, "smuggle": 0.9, "phishing": 0.8,
                "evade taxes": 0.9, "pick a lock": 0.7, "buy drugs": 1.0},
    "illicit/violent": {"build a bomb": 1.6, "make a bomb": 1.6, "explosive": 0.8,
                        "untraceable gun": 1.4, "ghost gun": 1.2, "poison someone": 1.5,
                        "pipe bomb": 1.6},
    "self-harm": {"self-harm": 1.0, "suicide": 1.0, "cutting myself": 1.2, "kill myself": 1.4,
                  "end my life": 1.3, "overdose": 0.8, "starve myself": 1.0, "hurt myself": 1.0},
    "self-harm/intent": {"want to die": 1.3, "kill myself": 1.3, "end my life": 1.3,
                         "going to hurt myself": 1.4, "don't want to live": 1.3},
    "self-harm/instructions": {"how to kill myself": 1.6, "painless way to die": 1.6,
                               "how to cut": 1.1, "lethal dose": 1.2},
    "sexual": {"sex": 0.6, "sexual": 0.6, "porn": 1.1, "nude": 0.8, "naked": 0.7, "erotic": 1.0,
               "explicit": 0.5, "orgasm": 1.1, "horny": 1.0},
    "sexual/minors": {"child porn": 2.0, "underage sex": 2.0, "minor nude": 2.0,
                      "sexualize children": 2.0},
    "violence": {"kill": 0.8, "murder": 1.0, "attack": 0.5, "shoot": 0.8, "stab": 0.9,
                 "beat him": 0.8, "beat her": 0.8, "punch": 0.5, "assault": 0.8, "weapon": 0.4,
                 "blood": 0.4, "fight": 0.3, "hurt": 0.4, "die": 0.3, "bomb": 0.6,
                 "hurt you": 0.7, "kill you": 1.0},
    "violence/graphic": {"gore": 1.2, "dismember": 1.5, "mutilat": 1.4, "decapitat": 1.5,
                         "entrails": 1.3, "blood everywhere": 1.1, "gory": 1.2},
}
_PARENT = {"hate/threatening": "hate", "harassment/threatening": "harassment",
           "illicit/violent": "illicit", "self-harm/intent": "self-harm",
           "self-harm/instructions": "self-harm", "sexual/minors": "sexual",
           "violence/graphic": "violence"}
# Threats also count as violence.
_ALSO = {"hate/threatening": "violence", "harassment/threatening": "violence",
         "illicit/violent": "violence"}
_PATTERNS = {cat: [(re.compile(r"(?<![a-z])" + re.escape(cue)), w) for cue, w in cues.items()]
             for cat, cues in _LEXICON.items()}


def score_text(text: str) -> dict[str, float]:
    """The summed cue weights per category for ``text`` (before squashing)."""
    low = text.lower()
    raw = {cat: sum(w * len(p.findall(low)) for p, w in pats) for cat, pats in _PATTERNS.items()}
    for child, parent in _PARENT.items():
        raw[parent] = max(raw[parent], raw[child])
    for child, other in _ALSO.items():
        raw[other] = max(raw[other], 0.8 * raw[child])
    return raw


def _squash(x: float, floor_key: Any) -> float:
    # A tiny deterministic floor (1e-6..1e-4) so untouched categories look like real scores.
    floor = 1e-6 + (stable_hash(floor_key) % 10_000) * 1e-8
    return min(1.0, round(1 - math.exp(-x) + floor, 8))


def _result(texts: list[str], images: list[str], model: str, omni: bool) -> dict[str, Any]:
    raw = score_text("\n".join(texts)) if texts else dict.fromkeys(CATEGORIES, 0.0)
    scores, flags, applied = {}, {}, {}
    for cat in CATEGORIES:
        types = ["text"] if texts else []
        value = raw[cat]
        if images and cat in IMAGE_CATEGORIES:
            types.append("image")
            value += 0.02 * (stable_hash("img", cat, images) % 100) / 100
        s = _squash(value, (model, cat, texts, images))
        scores[cat] = s
        flags[cat] = s >= 0.5
        applied[cat] = types
    if not omni:  # the legacy text models have no illicit categories
        flags["illicit"] = flags["illicit/violent"] = None
    return {"flagged": any(bool(v) for v in flags.values()), "categories": flags,
            "category_scores": scores, "category_applied_input_types": applied}


@route("POST", "/v1/moderations")
def create_moderation(req: EmuRequest) -> dict[str, Any]:
    """One result per input string, or one for a list of multimodal parts."""
    body = req.json()
    model = body.get("model", "omni-moderation-latest")
    if model is None:
        model = "omni-moderation-latest"
    if not isinstance(model, str):
        raise type_error("model", "a string", model)
    req.app.require_model(model, kinds=("moderation",), param="model")
    omni = model.startswith("omni-")
    if "input" not in body or body["input"] is None:
        raise missing("input")
    value = body["input"]
    results = []
    if isinstance(value, str):
        results.append(_result([value], [], model, omni))
    elif isinstance(value, list) and value and all(isinstance(x, str) for x in value):
        results = [_result([x], [], model, omni) for x in value]
    elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        texts, images = [], []
        for i, part in enumerate(value):
            kind = part.get("type")
            if kind == "text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif kind == "image_url" and isinstance(part.get("image_url"), dict) \
                    and isinstance(part["image_url"].get("url"), str):
                if not omni:
                    raise invalid(f"Model {model} does not support image inputs.",
                                  param=f"input[{i}]")
                images.append(part["image_url"]["url"])
            else:
                raise invalid(f"Invalid value for 'input[{i}]': expected a text part "
                              "{type: 'text', text} or an image part {type: 'image_url', "
                              "image_url: {url}}.", param=f"input[{i}]", code="invalid_value")
        results.append(_result(texts, images, model, omni))
    elif isinstance(value, list) and not value:
        raise invalid("Invalid 'input': empty array. Expected an array with minimum length 1, "
                      "but got an empty array instead.", param="input", code="empty_array")
    else:
        raise type_error("input", "one of a string, array of strings, or array of objects",
                         value)
    return {"id": req.app.new_id("modr-"), "model": model, "results": results}
