"""JSON replies: ``json_object`` mode with the keys the prompt names, and instances of a JSON
schema (``json_schema`` mode and tool-call arguments).

:func:`named_keys` finds the keys a prompt asks for: quoted or back-ticked names
(``respond in JSON with `setup` and `punchline` keys``), JSON-like templates (``{"name": ...}``),
lists after a trigger word (``keys: a, b and c``, ``fields x, y``, ``with the properties ...``) and,
failing those, a short list after "with" (``JSON with name and age``). :func:`json_object_reply`
fills them with plausible values taken from the prompt (numbers for numeric-sounding keys,
capitalised names for name-like keys, places for place-like keys, quoted strings) or typed
placeholders. :func:`schema_instance` builds a value satisfying a schema's types, enums, required
properties and bounds, drawing strings and numbers from the prompt where they fit.
"""

from __future__ import annotations

import math
import random
from typing import Any

from ._cues import Reading, topic_phrases
from ._lexicon import CATEGORIES, category_of, singular
from ._reply import pick, sentence_about
from ._text import I as RX_I
from ._text import keywords, rx, stable_hash, words_of

__all__ = ["json_object_reply", "named_keys", "schema_instance"]

_TRIGGER = r"(?:keys?|fields?|properties|property|attributes?|columns?|entries|members)"
_LIST_STOP = frozenset("for a an the of in on that which with to each all as about from into "
                       "per where who is are be should must will using please return json "
                       "object give me reply respond format only".split())
_NOT_KEYS = frozenset("json object key keys field fields value values string strings number "
                      "and or".split())


def _split_list(segment: str) -> list[str]:
    """``"name, age and city for each person"`` -> ``["name", "age", "city"]``."""
    out: list[str] = []
    for piece in rx.split(r"\s*,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+|\s*/\s*|\s*;\s*",
                          segment.strip(" :-=")):
        piece = rx.sub(r"^(?:(?:the|a|an|its|their)\s+)+", "", piece.strip(), flags=RX_I)
        q = rx.match(r"[\"'`]([^\"'`]{1,40})[\"'`]", piece)
        if q:
            out.append(q.group(1))
            if piece[q.end():].strip():
                break  # "'email' for Grace Hopper": the list ended after this key
            continue
        words = piece.split()
        while words and words[0].lower() in ("the", "a", "an", "its", "their"):
            words = words[1:]
        kept: list[str] = []
        for w in words:
            if w.lower() in _LIST_STOP or not rx.fullmatch(r"[A-Za-z_][\w-]*", w):
                break
            kept.append(w)
        if not kept:
            break
        out.append("_".join(w.lower() for w in kept[:3]))
        if len(kept) < len(words) or len(kept) > 3:
            break  # the list ended inside this piece ("age for a person")
    return out


def named_keys(text: str) -> list[str]:
    """The JSON keys ``text`` asks for, in order (empty when it names none).

    >>> named_keys("Reply in JSON with the keys name, age and city.")
    ['name', 'age', 'city']
    """
    text = text[:4000]
    keys: list[str] = rx.findall(r"[\"'`]([A-Za-z_][\w -]{0,39}?)[\"'`]\s*:", text)
    keys += rx.findall(r"`([A-Za-z_][\w-]{0,39})`", text)
    end = r"(?=[.;:!?\n)]|$)"
    for m in rx.finditer(r"\b" + _TRIGGER + r"\b\s*(?:named|called|like|such as|including|"
                         r"of|for)?\s*:?\s*(.+?)" + end, text, RX_I):
        keys += _split_list(m.group(1))
    for m in rx.finditer(r"\b(?:with|containing|including|having)\s+((?:[\"'`]?[\w-]+[\"'`]?"
                         r"(?:\s*,\s*|\s+and\s+|\s+or\s+|\s+)){1,12}?)" + _TRIGGER + r"\b",
                         text, RX_I):
        keys += _split_list(m.group(1))
    if not keys and rx.search(r"\bjson\b", text, RX_I):
        for m in rx.finditer(r"\b(?:with|containing|including|having)\s+(.+?)" + end, text,
                             RX_I):
            found = _split_list(m.group(1))
            if len(found) >= 2:
                keys += found
    seen: dict[str, None] = {}
    for k in keys:
        k = k.strip()
        if k and k.lower() not in _NOT_KEYS and k not in seen:
            seen[k] = None
    return list(seen)[:24]


# --------------------------------------------------------------------------- values
_NUMERIC = frozenset("age year count number num quantity qty price cost total amount score "
                     "rating rank size length width height weight population temperature temp "
                     "percent percentage minutes hours days weeks months duration pages calories "
                     "distance speed level votes likes views id stars servings".split())
_BOOL_PREFIX = ("is_", "has_", "can_", "should_", "was_", "did_", "needs_")
_BOOL = frozenset("active enabled valid available done completed verified success correct "
                  "approved flagged safe spam urgent true".split())
_NAMEY = frozenset("name first_name full_name author person username user character hero "
                   "owner student customer employee director artist contact speaker "
                   "last_name surname".split())
_PLACE = frozenset("city country location place address destination origin capital hometown "
                   "region state town".split())
_TEXTY = frozenset("setup punchline joke answer summary description text explanation reason "
                   "content message reply response body comment review note notes bio story "
                   "advice tip quote definition question sentence reasoning rationale "
                   "feedback overview details".split())
_NOT_PLURAL = ("ss", "us", "is", "ics")
_FIRST = ("Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara")
_LAST = ("Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee")
_POSITIVE = frozenset("love loved great good excellent amazing wonderful happy best fantastic "
                      "enjoy enjoyed like liked delighted awesome perfect brilliant".split())
_NEGATIVE = frozenset("hate hated bad terrible awful worst poor sad angry disappointed broken "
                      "boring horrible slow rude dislike".split())


_REQUEST_WORDS = frozenset("json keys key object objects joke jokes format fields field "
                           "properties property attributes columns extract return output "
                           "describing respond reply".split())


class _Pool:
    """Values found in the prompt, each handed out once."""

    def __init__(self, reading: Reading, keys: list[str], joke: int) -> None:
        lowered = {k.lower() for k in keys}
        text = reading.text
        self.joke = joke
        # Topics for text values, without the request's own words ("JSON", the key names).
        self.topics = [p for p in topic_phrases(text, 8) if not (
            set(rx.findall(r"\w+", p.lower())) & (lowered | _REQUEST_WORDS))]
        # Full names ("Grace Hopper") for name-like keys, split for first and last names.
        self.full = rx.findall(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?: [A-Z][a-z]+)+)", text)
        self.numbers = [(m.group(0), text[max(0, m.start() - 12):m.start()].lower(),
                         text[m.end():m.end() + 12].lower())
                        for m in rx.finditer(r"(?<![\w.])-?\d+(?:\.\d+)?(?!\w|\.\d)", text)]
        ws = words_of(text)
        self.caps = [w for i, w in enumerate(ws) if w[:1].isupper() and i > 0 and
                     w.lower() not in lowered and w.upper() != w and
                     w.lower() not in ("i", "json", "what", "how", "the", "return", "give")]
        self.places = [m.group(1) for m in rx.finditer(r"\b(?:in|from|at|to|near)\s+([A-Z]\w+)",
                                                       text)]
        self.quotes = [q for q in rx.findall(r"[\"“']([^\"”']{2,80})[\"”']", text)
                       if q.lower() not in lowered and not rx.fullmatch(r"[\w-]+", q)]

    def number(self, key: str) -> float | int | None:
        prefer = {"age": r"^\s*(?:years?|yrs?|-year)", "year": None,
                  "price": r"\$|€|£|usd|eur"}.get(key)
        for i, (tok, before, after) in enumerate(self.numbers):
            v = float(tok)
            ok = True
            if key == "year":
                ok = v.is_integer() and 1000 <= v <= 2100
            elif key == "age" and not rx.search(prefer or "", after):
                ok = 0 < v < 130 and not any(rx.search(prefer or "", a) for _, _, a in
                                             self.numbers)
            elif prefer is not None:
                ok = bool(rx.search(prefer, after[:8]) or rx.search(prefer, before[-2:]))
            if ok:
                del self.numbers[i]
                return int(v) if v.is_integer() else v
        if self.numbers and key not in ("year", "age"):
            tok = self.numbers.pop(0)[0]
            return int(float(tok)) if float(tok).is_integer() else float(tok)
        return None

    def take(self, items: list[str]) -> str | None:
        return items.pop(0) if items else None


def _kind_of(key: str) -> str:
    k = key.lower().replace("-", "_").replace(" ", "_")
    last = k.split("_")[-1]
    if k.startswith(_BOOL_PREFIX) or k in _BOOL:
        return "bool"
    if k in _NAMEY or last in ("name", "author"):
        return "name"
    if k in _PLACE or last in _PLACE:
        return "place"
    if k in _TEXTY or last in _TEXTY:
        return "text"
    if k in _NUMERIC or last in _NUMERIC or k.startswith(("num_", "n_")) or \
            k.endswith("_count"):
        return "number"
    if "email" in k:
        return "email"
    if k in ("confidence", "probability", "certainty"):
        return "probability"
    if k == "sentiment":
        return "sentiment"
    if last.endswith("s") and not last.endswith(_NOT_PLURAL) and len(last) > 3:
        return "list"
    return "string"


def _value(key: str, pool: _Pool, reading: Reading, r: random.Random, t: float) -> Any:
    kind = _kind_of(key)
    low = key.lower()
    if kind == "number":
        if low in ("answer", "result") and reading.arithmetic is not None:
            return reading.arithmetic.value
        v = pool.number(low.split("_")[-1])
        if v is not None:
            return v
        return {"age": r.randint(18, 80), "year": r.randint(1950, 2024),
                "rating": r.randint(1, 5), "score": r.randint(1, 10),
                "price": round(r.uniform(5, 100), 2)}.get(low, r.randint(1, 100))
    if kind == "bool":
        return r.random() < 0.5
    if kind == "email":
        who = (pool.full or pool.caps or ["user"])[0].lower().replace(" ", ".")
        return f"{who}@example.com"
    if kind == "probability":
        return round(0.5 + r.random() / 2, 2)
    if kind == "sentiment":
        words = {w.lower() for w in words_of(reading.text)}
        pos, neg = len(words & _POSITIVE), len(words & _NEGATIVE)
        return "positive" if pos > neg else "negative" if neg > pos else "neutral"
    if kind == "name":
        if pool.full and ("first" in low or "last" in low or "surname" in low):
            parts = pool.full[0].split()
            return parts[0] if "first" in low else parts[-1]
        if "last" in low or "surname" in low:
            return r.choice(_LAST)
        found = pool.take(pool.full) or pool.take(pool.caps)
        value = found or (r.choice(_FIRST) + ("" if "first" in low else " " + r.choice(_LAST)))
        return value.lower() if low == "username" else value
    if kind == "place":
        found = pool.take(pool.places) or pool.take(pool.caps)
        if found:
            return found
        table = CATEGORIES[("country", "nation")] if "country" in low else CATEGORIES[("city",)]
        return pick(r, table, t)
    if kind == "text":
        if low in ("answer", "result") and reading.arithmetic is not None and \
                reading.arithmetic.error is None:
            return reading.arithmetic.value
        quoted = pool.take(pool.quotes)
        if quoted and low in ("text", "quote", "sentence", "content"):
            return quoted
        return sentence_about(reading, r, t, pool.topics, low, pool.joke)
    if kind == "list":
        cat = category_of(low)
        if cat is not None:
            return list(cat[1][:3]) if t == 0 else r.sample(cat[1], 3)
        if low in ("keywords", "tags", "topics", "subjects"):
            return keywords(reading.text, 5) or ["general"]
        return [f"{singular(low.split('_')[-1])} {k + 1}" for k in range(3)]
    if low in ("title", "topic", "subject", "headline"):
        topic = (pool.topics or ["untitled"])[0]
        return topic[:1].upper() + topic[1:]
    if low in ("language", "lang"):
        return reading.style.language or "English"
    if low == "genre":
        return pick(r, ("fiction", "mystery", "science fiction", "fantasy", "history"), t)
    if low in ("category", "type", "kind", "label", "class"):
        cat = category_of(" ".join(pool.topics))
        return cat[0] if cat is not None else (pool.topics or ["general"])[-1].lower()
    quoted = pool.take(pool.quotes)
    if quoted:
        return quoted
    return (pool.topics or keywords(reading.text, 1) or ["example"])[0]


#: The keys people expect when they ask for "a JSON object describing a <thing>".
_TYPICAL = {"book": ("title", "author", "year", "genre"), "novel": ("title", "author", "year"),
            "movie": ("title", "director", "year", "genre"),
            "film": ("title", "director", "year", "genre"),
            "person": ("name", "age", "city"), "user": ("name", "email", "age"),
            "recipe": ("name", "ingredients", "steps"), "product": ("name", "price", "category"),
            "city": ("name", "country", "population"), "country": ("name", "capital",
                                                                   "population"),
            "song": ("title", "artist", "year"), "event": ("name", "date", "location"),
            "car": ("make", "model", "year"), "animal": ("name", "species", "habitat")}


def _typical_keys(text: str) -> list[str]:
    for word in rx.findall(r"[a-z]+", text.lower()):
        if singular(word) in _TYPICAL:
            return list(_TYPICAL[singular(word)])
    return []


def json_object_reply(reading: Reading, r: random.Random, temperature: float,
                      fallback: str) -> dict[str, Any]:
    """The ``json_object`` reply: the named keys filled, else answer, keywords and confidence.

    ``fallback`` is the plain-text reply used as ``answer`` when the prompt names no keys.
    """
    keys = named_keys(reading.text) or named_keys(reading.system) or _typical_keys(reading.text)
    if not keys:
        return {"answer": fallback, "keywords": keywords(reading.text),
                "confidence": round(0.5 + r.random() / 2, 2)}
    pool = _Pool(reading, keys, r.randrange(64) if temperature > 0 else 0)
    return {k: _value(k, pool, reading, r, temperature) for k in keys}


# --------------------------------------------------------------------------- JSON schema
_CITIES = ("Paris", "London", "Tokyo", "Lagos", "Lima", "Oslo", "Boston", "Nairobi")


def _hint_capitalized(text: str) -> list[str]:
    ws = words_of(text)
    # Skip the first word of the text: it is capitalised because it starts a sentence.
    return [w for i, w in enumerate(ws) if i > 0 and w[:1].isupper() and w.lower() not in
            ("i", "what", "how", "the")]


def schema_instance(schema: Any, r: random.Random, hint: str = "", *, root: Any = None,
                    name: str = "", depth: int = 0) -> Any:
    """A JSON value satisfying ``schema``'s types, enums, required properties and bounds.

    Values are drawn from ``hint`` (the user's words and numbers) where they fit, else from ``r``.
    """
    root = schema if root is None else root
    if not isinstance(schema, dict) or depth > 8:
        return None if depth > 8 else "value"
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        node: Any = root
        for part in ref[2:].split("/"):
            node = node.get(part, {}) if isinstance(node, dict) else {}
        return schema_instance(node, r, hint, root=root, name=name, depth=depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        opts = schema["enum"]
        low = hint.lower()
        for o in opts:
            if isinstance(o, str) and o.lower() in low:
                return o
        return opts[r.randrange(len(opts))]
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            options = [o for o in schema[key]
                       if not (isinstance(o, dict) and o.get("type") == "null")]
            return schema_instance((options or schema[key])[0], r, hint, root=root, name=name,
                                   depth=depth + 1)
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            if isinstance(part, dict):
                merged["properties"].update(part.get("properties") or {})
                merged["required"] += list(part.get("required") or [])
        return schema_instance(merged, r, hint, root=root, name=name, depth=depth + 1)
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), "null")
    if t is None:
        t = "object" if "properties" in schema else "array" if "items" in schema else "string"
    if t == "object":
        props = schema.get("properties") or {}
        required = set(schema.get("required") or [])
        out: dict[str, Any] = {}
        for key, sub in props.items():
            # Required properties always; optional ones when the user mentions them or by chance.
            if key in required or key.lower() in hint.lower() or r.random() < 0.5:
                out[key] = schema_instance(sub, r, hint, root=root, name=key, depth=depth + 1)
        return out
    if t == "array":
        lo = min(int(schema.get("minItems", 1)), 64)  # caps keep hostile schemas cheap
        hi = int(schema.get("maxItems", max(lo, 3)))
        n = max(lo, min(hi, r.randint(1, 3)))
        return [schema_instance(schema.get("items") or {}, r, hint, root=root, name=name,
                                depth=depth + 1) for _ in range(n)]
    if t in ("integer", "number"):
        lo = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        hi = schema.get("maximum", schema.get("exclusiveMaximum", max(100, lo + 100)))
        for tok in rx.findall(r"-?\d+(?:\.\d+)?", hint):
            v = float(tok)
            if lo <= v <= hi and (t == "number" or v.is_integer()):
                return int(v) if t == "integer" else v
        if hi < lo:
            raise ValueError("maximum below minimum")
        if t == "integer":
            return r.randint(math.ceil(lo), math.floor(hi))
        return round(r.uniform(lo, hi), 2)
    if t == "boolean":
        return r.random() < 0.5
    if t == "null":
        return None
    return _string_value(schema, r, hint, name)


def _string_value(schema: dict[str, Any], r: random.Random, hint: str, name: str) -> str:
    fmt = schema.get("format")
    lname = name.lower()
    if fmt == "date":
        value = f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}"
    elif fmt == "date-time":
        value = f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:00:00Z"
    elif fmt == "email" or "email" in lname:
        value = f"{(keywords(hint) or ['user'])[0]}@example.com"
    elif fmt in ("uri", "url") or "url" in lname:
        value = f"https://example.com/{(keywords(hint) or ['page'])[0]}"
    elif fmt == "uuid":
        h = f"{stable_hash(hint, name, r.random()):016x}" * 2
        value = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
    elif any(k in lname for k in ("location", "city", "place", "country", "destination")):
        caps = _hint_capitalized(hint)
        value = caps[0] if caps else r.choice(_CITIES)
    elif "name" in lname:
        caps = _hint_capitalized(hint)
        value = caps[0] if caps else r.choice(("Ada", "Grace", "Alan", "Edsger"))
    elif lname in ("title", "topic", "subject") and topic_phrases(hint, 1):
        phrase = topic_phrases(hint, 1)[0]
        value = phrase[:1].upper() + phrase[1:]
    else:
        kws = keywords(hint)
        value = " ".join(kws[:3]) if kws else r.choice(("example", "sample", "value"))
    lo, hi = schema.get("minLength"), schema.get("maxLength")
    if isinstance(lo, int) and len(value) < lo <= 10_000:
        value = value + "x" * (lo - len(value))
    if isinstance(hi, int) and len(value) > hi:
        value = value[:hi]
    return value
