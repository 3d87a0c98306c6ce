"""The chat reply composer: sentences about the question's subject, shaped by its cues.

:func:`compose_reply` turns a :class:`~._cues.Reading` into text. Each kind of question has its
own openers and body sentences (templates with slots for the topic phrases), arithmetic gets its
number, recall gets the fact the user stated (or an honest "you have not told me"), "name 3 ..."
gets three items, and the system prompt's simple instructions (one word, a list, upper case,
a sentence budget, a persona's name) shape the result. ``temperature`` widens the choice of
templates: at 0 the composer keeps to the first few, like a greedy decoder.

The content is a simulation (the emulator's banner says so): it reads as an answer about the
subject without claiming knowledge the emulator does not have.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

from ._cues import Reading, Style
from ._lexicon import ADVICE, REASONS, category_of, singular
from ._text import rx

__all__ = ["compose_reply", "pick", "sentence_about"]


def pick(r: random.Random, options: Sequence[str], temperature: float) -> str:
    """One of ``options``; low temperatures keep to the leading (most typical) ones."""
    k = max(1, min(len(options), math.ceil(len(options) * min(1.0, 0.25 + temperature / 1.5))))
    return options[r.randrange(k)]


def _sample(r: random.Random, options: Sequence[str], k: int, temperature: float) -> list[str]:
    """``k`` distinct options (in order at temperature 0, shuffled otherwise)."""
    pool = list(options)
    if temperature > 0:
        r.shuffle(pool)
    return pool[:k]


# --------------------------------------------------------------------------- templates
_DEFINE = (
    "{A_} {is} easiest to understand through what {it} {does} in practice.",
    "Put simply, {A} {is} best described by {its} purpose and {its} main parts.",
    "Here is a short overview of {A}.",
    "{A_} come{s} up often, so a plain description helps before the details.",
    "{A_} {is} a topic worth unpacking in a few parts.",
)
_WHY_CLAUSE = (
    "{C_} for a few connected reasons.",
    "There are several reasons {C}.",
    "The short answer is that {C} because it works well in practice.",
)
_WHY = (
    "It mostly comes down to how {A} works.",
    "There are a few reasons, and most of them come back to {A}.",
    "The short answer has to do with {A}.",
    "Several factors are involved, with {A} at the centre.",
)
_WHY_BODY = (
    "One reason is that {A} affect{s} {B} directly.",
    "Another factor is history, since the way {A} developed still shapes {it} today.",
    "A practical reason is that {A} tend{s} to be simpler than the alternatives.",
    "It also matters that {B} changes how {A} {behaves}.",
)
_HOW_CLAUSE = (
    "To {C}, start with the basics and build up step by step.",
    "Here is a simple way to {C}.",
    "The easiest way to {C} is to take it one step at a time.",
)
_HOW = (
    "{A_} {works} through a few steps that build on each other.",
    "Here is how {A} {works}, step by step.",
    "{A_} {is} easier to follow once you see the steps in order.",
)
#: Steps keep their order (First, Next, Then, Finally) whichever are chosen.
_HOW_STEPS = (
    "First, get clear on what you need and what you already have.",
    "Next, try a small version so that mistakes stay cheap.",
    "Then check the result and adjust one thing at a time.",
    "It helps to keep {B} in mind as you go.",
    "Finally, write down what worked so you can repeat it.",
)
_COMPARE = (
    "{X_} and {Y} overlap in places but differ in focus.",
    "The main difference is one of emphasis, with {X} on one side and {Y} on the other.",
    "Some situations favour {X}, and others favour {Y}.",
    "If you need simplicity, {X} {isX} often the easier start; if you need flexibility, {Y} "
    "may fit better.",
    "Both have trade-offs, so the right choice depends on what you need.",
    "A quick way to decide is to try {X} and {Y} on the same small task.",
)
_YESNO = (
    "Generally yes, though it depends on the details.",
    "In most cases, yes.",
    "Often, yes, but there are exceptions.",
    "Not always; it depends on the situation.",
    "It depends, mostly on {B}.",
)
_WH = {
    "when": ("The timing of {A} depends on the context, but a few points narrow it down.",
             "When it comes to {A}, the answer depends on which part you mean."),
    "where": ("{A_} can turn up in a few typical places, depending on the context.",
              "Where to look for {A} depends on what exactly you need."),
    "who": ("Several people are connected with {A}, and the answer depends on which part you "
            "mean.",
            "The people behind {A} are worth looking at one by one."),
    "which": ("The best choice depends on what you need from {A}.",
              "Which option fits depends on how you plan to use {A}."),
}
_INSTRUCT = (
    "Sure, here is a simple take on {A}.",
    "Happy to help with {A}.",
    "Of course; here is an overview of {A}.",
    "Here is a short piece on {A}.",
)
_STATEMENT = (
    "Thanks for sharing that about {A}.",
    "That is an interesting point about {A}.",
    "Good point; {A} is worth thinking about.",
)
_BODY = (
    "A useful first step is to separate the core idea of {A} from the details around {them}.",
    "Most explanations of {A} also mention {B}, because the two are closely linked.",
    "In practice, {A} show{s} up in everyday examples more often than people expect.",
    "A concrete example usually makes {A} much easier to follow.",
    "The key is to see how {A} relate{s} to {B}.",
    "Experts tend to describe {A} in terms of purpose, parts and limits.",
    "It also helps to know where {A} stop{s} being useful.",
    "Seen from a distance, {A} {is} part of a broader picture that includes {B}.",
    "People new to {A} often start with the basics and build up from there.",
    "Looking at {B} alongside {A} often clarifies both.",
    "The details matter less at first than a clear sense of what {A} {is} for.",
    "Small experiments are a good way to build an intuition for {A}.",
)
_CLOSE = (
    "If you want, I can go into more detail on any part of this.",
    "Let me know which part you would like to explore further.",
    "I hope that gives you a useful starting point.",
    "Happy to expand on {B} next if that helps.",
)
_FILLER_B = ("the wider context", "everyday practice", "the details", "its main uses",
             "the common pitfalls", "the bigger picture")
_ITEM_ADJ = ("A classic", "A popular", "A modern", "A traditional", "A lesser-known",
             "A regional", "A well-known", "An everyday", "An unusual", "A seasonal",
             "A local", "A rare", "A simple", "A favourite", "A recent", "An old")
_ADVICE_NOUNS = frozenset("tip way step idea strategy suggestion habit rule practice trick "
                          "method technique approach hack lesson".split())
_REASON_NOUNS = frozenset("reason benefit advantage pro cause feature use application "
                          "strength".split())


# --------------------------------------------------------------------------- slots
def _plural(phrase: str) -> bool:
    head = phrase.split(" of ")[0].split()[-1].lower() if phrase.split() else ""
    return head.endswith("s") and not head.endswith(("ss", "us", "is", "ics")) and len(head) > 3


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _slots(reading: Reading, r: random.Random,
           topics: list[str] | None = None) -> dict[str, str]:
    topics = topics or reading.topics or ["this topic"]
    a = topics[0]
    b = topics[1] if len(topics) > 1 else r.choice(_FILLER_B)
    many = _plural(a)
    x, y = reading.pair or (a, b)
    clause = reading.clause or a
    return {"A": a, "A_": _cap(a), "B": b, "X": x, "X_": _cap(x), "Y": y, "C": clause,
            "C_": _cap(clause), "is": "are" if many else "is", "it": "they" if many else "it",
            "its": "their" if many else "its", "does": "do" if many else "does",
            "works": "work" if many else "works", "behaves": "behave" if many else "behaves",
            "s": "" if many else "s", "them": "them" if many else "it",
            "isX": "are" if _plural(x) else "is"}


def _fill(template: str, slots: dict[str, str]) -> str:
    return _cap(template.format(**slots))


# --------------------------------------------------------------------------- kinds
def _name_bit(reading: Reading, sep: str = ", ") -> str:
    return f"{sep}{reading.user_name}" if reading.user_name else ""


def _greeting(reading: Reading, r: random.Random, t: float) -> list[str]:
    name = _name_bit(reading)
    if reading.style.persona:
        return [f"Hello{name}! I'm {reading.style.persona}.", "How can I help you today?"]
    return [pick(r, (f"Hello{name}! How can I help you today?",
                     f"Hi{name}! What would you like to talk about?",
                     f"Hey{name}! What's on your mind?"), t)]


def _identity(reading: Reading, r: random.Random, t: float) -> list[str]:
    s = reading.style
    if s.persona:
        first = f"I'm {s.persona}, {s.role}." if s.role else f"I'm {s.persona}."
        return [first, pick(r, ("How can I help you today?", "What can I do for you?"), t)]
    return ["I'm an assistant simulated by the lcoai-notebook offline emulator, so my replies "
            "are stand-ins for a real model's.", "Ask me anything and I'll answer in kind."]


def _possessive(attr: str) -> str:
    """A stored attribute as said: "dog name" -> "dog's name"."""
    words = attr.split()
    if len(words) == 2 and words[1] == "name":
        return f"{words[0]}'s name"
    return attr


def _recall(reading: Reading, r: random.Random, t: float) -> list[str]:
    assert reading.recall is not None
    attr, value = reading.recall
    if value is None:
        what = "your name" if attr == "name" else {
            "home": "where you live", "from": "where you are from", "age": "your age",
            "work": "where you work", "job": "what you do", "likes": "what you like"}.get(
                attr, f"your {_possessive(attr)}")
        return [f"You haven't told me {what} yet.",
                "If you share it, I'll remember it for the rest of this conversation."]
    said = {"name": f"Your name is {value}.", "home": f"You live in {value}.",
            "from": f"You are from {value}.", "age": f"You are {value} years old.",
            "work": f"You work at {value}.", "job": f"You work as {value}.",
            "likes": f"You like {value}."}.get(attr, f"Your {_possessive(attr)} is {value}.")
    return [pick(r, (said, f"You told me earlier: {said[0].lower()}{said[1:]}"), t)]


def _statement(reading: Reading, r: random.Random, t: float, slots: dict[str, str]) -> list[str]:
    if not reading.stated:
        return [_fill(pick(r, _STATEMENT, t), slots)]
    out = []
    for attr, value in reading.stated[:2]:
        out.append({"name": f"Nice to meet you, {value}.",
                    "home": f"Good to know you live in {value}.",
                    "from": f"Good to know you are from {value}.",
                    "age": f"Noted: you are {value}.", "work": f"Noted: you work at {value}.",
                    "job": f"Good to know you work as {value}.",
                    "likes": f"Good to know you like {value}."}.get(
                        attr, f"Got it: your {_possessive(attr)} is {value}."))
    out.append("I'll keep that in mind for the rest of our conversation.")
    return out


def _arithmetic(reading: Reading, r: random.Random, t: float) -> list[str]:
    a = reading.arithmetic
    assert a is not None
    if a.error:
        return [f"{a.shown} has no numeric answer here: {a.error}."]
    return [pick(r, (f"{a.shown} = {a.answer}.", f"The answer is {a.answer}.",
                     f"{a.shown} is {a.answer}."), t)]


def _items(reading: Reading, r: random.Random, t: float) -> tuple[str, list[str]]:
    phrase = reading.items_of
    # "tips for writing prompts": the noun ("tips") and what they are about ("writing prompts").
    m = rx.search(r"\s(for|of|to|about|in|on|that|which|with|from|you)\s(.+)$", phrase)
    noun = (phrase[:m.start()] if m else phrase).strip() or "items"
    tail = phrase[m.start():].strip() if m else ""
    n = reading.count if reading.count is not None else 3 + r.randrange(3)
    words = noun.split()
    one = " ".join([*words[:-1], singular(words[-1])])
    topic = m.group(2).strip() if m else (reading.topics[0] if reading.topics else "this")
    head = singular(words[-1]).lower()
    cat = category_of(noun)
    if cat is not None:
        members = _sample(r, cat[1], len(cat[1]), t)
    elif head in _ADVICE_NOUNS:
        members = [x.format(t=topic) for x in _sample(r, ADVICE, len(ADVICE), t)]
    elif head in _REASON_NOUNS:
        members = [x.format(t=topic) for x in _sample(r, REASONS, len(REASONS), t)]
    else:
        members = [f"{adj} {one}" + (f" {tail}" if tail else "")
                   for adj in _sample(r, _ITEM_ADJ, len(_ITEM_ADJ), t)]
    # More items than the table holds: number the rest honestly rather than repeat one.
    extra = [f"Another {one} (number {k + 1})" for k in range(len(members), n)]
    items = (members + extra)[:n]
    if n == 1:
        art = "an" if one[:1].lower() in "aeiou" else "a"
        intro = f"Here is {art} {one}" + (f" {tail}:" if tail else ":")
    else:
        intro = f"Here are {n} {phrase}:"
    return intro, items


def _prose(reading: Reading, r: random.Random, t: float, slots: dict[str, str],
           target: int) -> list[str]:
    kind = reading.kind
    if kind == "why":
        opener = pick(r, _WHY_CLAUSE if reading.clause else _WHY, t)
        body = list(_WHY_BODY) + _sample(r, _BODY, len(_BODY), t)
    elif kind == "how":
        opener = pick(r, _HOW_CLAUSE if reading.clause else _HOW, t)
        steps = [s for s in _HOW_STEPS if t == 0 or r.random() < 0.8]
        body = steps + _sample(r, _BODY, len(_BODY), t)
    elif kind == "compare":
        opener = pick(r, _COMPARE[:3], t)
        body = _sample(r, _COMPARE[3:], 3, t) + _sample(r, _BODY, len(_BODY), t)
    elif kind == "yesno":
        opener = pick(r, _YESNO, t)
        body = _sample(r, _BODY, len(_BODY), t)
    elif kind in _WH:
        opener = pick(r, _WH[kind], t)
        body = _sample(r, _BODY, len(_BODY), t)
    elif kind == "instruction":
        opener = pick(r, _INSTRUCT, t)
        body = _sample(r, _BODY, len(_BODY), t)
    else:
        opener = pick(r, _DEFINE, t)
        body = _sample(r, _BODY, len(_BODY), t)
    out = [_fill(opener, slots)]
    if kind == "why" and not reading.clause:
        body = _sample(r, _WHY_BODY, 2, t) + body[len(_WHY_BODY):]
    words = len(out[0].split())
    k = 0
    while words < target:
        s = _fill(body[k % len(body)], slots)
        if k and k % len(body) == 0 and t > 0:
            r.shuffle(body)
        out.append(s)
        words += len(s.split())
        k += 1
    if target <= 80 and r.random() < 0.5:
        out.append(_fill(pick(r, _CLOSE, t), slots))
    return out


_JOKE = {"setup": ("Why did the {A} bring a ladder?", "What do you call a {A} that tells jokes?",
                   "Why was the {A} so calm?"),
         "punchline": ("Because it wanted to reach the next level.", "A pun-dit.",
                       "It had already processed everything.")}


def sentence_about(reading: Reading, r: random.Random, t: float, topics: list[str],
                   role: str = "", joke: int = 0) -> str:
    """One sentence about ``topics`` (a JSON value); ``role`` "setup"/"punchline" tells joke
    number ``joke`` (the caller draws it once so the two halves belong together)."""
    slots = _slots(reading, r, topics)
    if role in _JOKE:
        lines = _JOKE[role]
        return lines[joke % len(lines)].format(A=singular(slots["A"].split()[-1]).lower())
    return _fill(pick(r, _BODY, t), slots)


# --------------------------------------------------------------------------- style
def _one_word(reading: Reading, r: random.Random, t: float) -> str:
    if reading.arithmetic is not None and reading.arithmetic.error is None:
        return reading.arithmetic.answer
    if reading.recall is not None and reading.recall[1]:
        return reading.recall[1].split()[0].strip(".,") + "."
    if reading.kind == "yesno":
        return pick(r, ("Yes.", "No.", "Sometimes."), t)
    if reading.kind == "greeting":
        return "Hello!"
    if reading.kind == "identity" and reading.style.persona:
        return reading.style.persona + "."
    for phrase in [reading.items_of, *reading.topics]:
        cat = category_of(phrase or "")
        if cat is not None:
            return pick(r, cat[1], t).split()[0] + "."
    word = (reading.topics[0].split()[-1] if reading.topics else "Unclear")
    return _cap(word) + "."


_META = ("Here is", "Sure,", "Of course", "Happy to help", "If you want", "Let me know",
         "I hope", "Happy to expand")


def _apply_style(style: Style, sentences: list[str], items: list[str] | None,
                 intro: str | None) -> str:
    if items is None and style.sentences:
        # Under a sentence budget, spend it on content rather than on "Here is ..." openers.
        content = [x for x in sentences if not x.startswith(_META)]
        sentences = (content if len(content) >= style.sentences else sentences)[:style.sentences]
    if items is None and style.as_list:
        intro, items = None, sentences
    if items is not None:
        if len(items) == 1 and not style.as_list and intro:
            one = items[0] if items[0][-1:] in ".!?" else items[0] + "."
            return _apply_style(style, [f"{intro} {one}"], None, None)
        mark = (lambda k: f"{k + 1}. ") if style.as_list != "bullet" else (lambda k: "- ")
        lines = [mark(k) + item for k, item in enumerate(items)]
        text = "\n".join(([intro] if intro else []) + lines)
    else:
        text = " ".join(sentences)
    if style.case == "upper":
        return text.upper()
    if style.case == "lower":
        return text.lower()
    return text


def compose_reply(reading: Reading, r: random.Random, *, temperature: float = 1.0,
                  n_words: int | None = None) -> str:
    """The reply text for ``reading``; ``r`` drives every choice, so equal seeds give equal text.

    Parameters
    ----------
    reading : Reading
        The cues of the conversation (:func:`._cues.read_conversation`).
    r : random.Random
        The generator for this choice.
    temperature : float
        0 keeps to the most typical templates; higher values widen the choice.
    n_words : int, optional
        A requested length ("in 300 words"); the default is a few sentences.
    """
    t = temperature
    style = reading.style
    if style.one_word:
        return _apply_style(style, [_one_word(reading, r, t)], None, None)
    slots = _slots(reading, r)
    kind = reading.kind
    if kind == "list":
        intro, items = _items(reading, r, t)
        return _apply_style(style, [], items, intro)
    if kind == "greeting":
        sentences = _greeting(reading, r, t)
    elif kind == "thanks":
        sentences = [pick(r, (f"You're welcome{_name_bit(reading)}!",
                              f"Glad I could help{_name_bit(reading)}!"), t),
                     "Let me know if there is anything else."]
    elif kind == "farewell":
        sentences = [f"Goodbye{_name_bit(reading)}!", "It was nice talking with you."]
    elif kind == "identity":
        sentences = _identity(reading, r, t)
    elif kind == "recall":
        sentences = _recall(reading, r, t)
    elif kind == "arithmetic":
        sentences = _arithmetic(reading, r, t)
    elif kind == "statement" and reading.stated:
        sentences = _statement(reading, r, t, slots)
    else:
        target = n_words if n_words is not None else 18 + r.randrange(30)
        lead = _statement(reading, r, t, slots) if kind == "statement" else []
        sentences = lead + _prose(reading, r, t, slots, target - 10 * len(lead))
    if n_words is not None and kind != "list":
        words = sum(len(s.split()) for s in sentences)
        extra = _sample(r, _BODY, len(_BODY), t)
        k = 0
        while words < n_words:
            s = _fill(extra[k % len(extra)], slots)
            sentences.append(s)
            words += len(s.split())
            k += 1
    return _apply_style(style, sentences, None, None)
