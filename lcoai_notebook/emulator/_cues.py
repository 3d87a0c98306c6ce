"""Reading a chat conversation for the cues a reply can follow cheaply.

:func:`read_conversation` looks at the messages once and returns a :class:`Reading`: the kind of
question the last user message asks (greeting, arithmetic, recall, identity, list, compare, why,
how, define, yes/no, when/where/who, instruction, statement), the topic phrases it is about, the
facts the user stated earlier ("My name is Zed", "I live in Lisbon", "My favourite colour is
green"), a requested item count ("name 3 fruits"), and the simple instructions of the system
prompt (one word, a list, upper or lower case, a persona's name, a sentence budget).

Everything here is general rules over word patterns: no answer is keyed to a particular prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ._arith import Arithmetic, find_arithmetic
from ._text import I as RX_I
from ._text import rx

__all__ = ["Reading", "Style", "content_text", "read_conversation", "topic_phrases"]

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUM = r"(\d{1,3}|" + "|".join(_NUMBER_WORDS) + r")"
#: Words that never make a topic: function words, question frames and request verbs.
_SKIP = frozenset(
    "a an and are as at be been being but by can could do does did for from has have had how i "
    "if in into is it its me my mine no not of on or our ours please so than that the their them "
    "then there these they this those to us was we were what whats what's when where which who "
    "whom whose why will with would you your yours yourself myself about tell give show explain "
    "write make let some any just also more most very really should may might must shall "
    "describe summarize summarise suggest list name define compare difference differences "
    "between vs versus create draft translate recommend generate outline help thanks thank "
    "hi hello hey ok okay yes yeah sure answer reply respond question quick briefly brief "
    "short simple simply mean means use used using get gets got go goes going want "
    "wants need needs like think know work works make makes happen happens become becomes "
    "other another each every all many much few one two three four five six seven eight nine "
    "ten same different good best better bad worse worst new old way ways thing things people "
    "someone something anything everything lot lots kind kinds type types sort stuff example "
    "examples i'm i've i'd i'll you're it's that's there's don't doesn't didn't can't isn't "
    "aren't im ive cant dont doesnt now today here please pls actually".split()
)
#: Capitalised words that start personas or names only by accident.
_NOT_NAMES = frozenset(
    "a an the not now here there this that it i my your our their chatgpt assistant ai "
    "english french spanish german italian portuguese chinese japanese korean russian arabic "
    "hindi dutch greek american british canadian australian indian irish scottish welsh "
    "mexican brazilian sure fine ok okay good great happy sorry tired hungry back ready "
    "new just so very really also".split()
)
_LANGUAGES = ("French", "Spanish", "German", "Italian", "Portuguese")
#: Common verbs: they end a topic phrase ("penguins live" -> "penguins").
_VERBS = frozenset(
    "live lives lived eat eats ate grow grows grew sleep sleeps fly flies flew say says said see "
    "sees saw come comes came move moves moved play plays feel feels look looks seem seems cost "
    "costs take takes took run runs ran compare compares affect affects cause causes help helps "
    "matter matters change changes learn learns start starts keep keeps find finds call calls "
    "invent invented create created build builds built differ differs exist exists buy "
    "bought sell sold pay paid".split())
#: Determiners kept in front of a topic ("the ocean", "your bike"), in the assistant's voice.
_DETERMINERS = {"the": "the", "a": "a", "an": "an", "this": "this", "these": "these",
                "my": "your", "our": "your", "your": "my", "his": "his", "her": "her",
                "their": "their"}


@dataclass
class Style:
    """Simple instructions found in the system prompt or the last user message."""

    one_word: bool = False
    as_list: str | None = None         #: "bullet" or "numbered"
    case: str | None = None            #: "upper" or "lower"
    persona: str | None = None         #: "Ada" for "You are Ada, ..."
    role: str | None = None            #: "a patient maths tutor"
    sentences: int | None = None       #: a sentence budget ("in one sentence", "be concise")
    language: str | None = None        #: "French" for "Answer in French"


@dataclass
class Reading:
    """What a reply needs to know about a conversation (see :func:`read_conversation`)."""

    text: str
    kind: str
    system: str
    topics: list[str]
    style: Style
    facts: dict[str, str] = field(default_factory=dict)
    arithmetic: Arithmetic | None = None
    recall: tuple[str, str | None] | None = None   #: (attribute, value or None if never said)
    count: int | None = None                       #: items asked for ("name 3 ...")
    items_of: str = ""                             #: what the items are ("fruits")
    clause: str = ""                               #: "bake bread at home" for how-to questions
    pair: tuple[str, str] | None = None            #: the two sides of a comparison
    stated: list[tuple[str, str]] = field(default_factory=list)  #: facts in the last message

    @property
    def user_name(self) -> str | None:
        return self.facts.get("name")


def content_text(content: Any) -> str:
    """The text of a message's content (string or list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        out = []
        for part in content:
            if isinstance(part, dict):
                if isinstance(part.get("text"), str):
                    out.append(part["text"])
                elif isinstance(part.get("refusal"), str):
                    out.append(part["refusal"])
        return "\n".join(out)
    return ""


#: Characters of each message the cues read: the end of a message (where the question usually
#: is) is enough, and reading a 60 MB message whole would cost about 15x its size in memory.
READ_LIMIT = 64 * 1024


def _tail(content: Any) -> str:
    return content_text(content)[-READ_LIMIT:]


# --------------------------------------------------------------------------- topics
_PHRASE_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'\-]*|[,.;:!?()\"]")


def topic_phrases(text: str, limit: int = 4) -> list[str]:
    """Noun-like phrases of ``text`` (runs of content words, "of" kept inside), best first.

    >>> topic_phrases("What is the capital of France?")
    ['the capital of France']
    """
    return list(_topic_phrases(text, limit))


@lru_cache(maxsize=1024)
def _topic_phrases(text: str, limit: int) -> tuple[str, ...]:
    runs: list[tuple[str, list[str]]] = []
    cur: list[str] = []
    det = ""
    toks = _PHRASE_WORD.findall(text[:2000])
    for k, tok in enumerate(toks):
        low = tok.lower()
        nxt = toks[k + 1].lower() if k + 1 < len(toks) else ""
        if low == "of" and cur and nxt and nxt not in _SKIP and nxt[0].isalnum():
            cur.append("of")
            continue
        if not tok[0].isalpha() or low in _SKIP or low in _VERBS or len(low) < 2:
            if cur:
                runs.append((det, cur))
            cur = []
            det = _DETERMINERS.get(low, "")
            continue
        cur.append(tok)
    if cur:
        runs.append((det, cur))
    seen: dict[str, str] = {}
    for det, run in runs:
        words = run[:4]
        # A trailing participle is the question's verb, not its subject ("printing press
        # invented").
        while words and (words[-1] == "of" or (len(words) > 1 and words[-1].endswith("ed"))):
            words = words[:-1]
        if det in ("a", "an") and len(words) > 1:
            det = ""
        elif not det and len(run) > 2 and "of" in run and run[0][:1].islower():
            det = "the"  # "capital of France" reads as "the capital of France"
        phrase = " ".join(([det] if det and not words[0][:1].isupper() else []) + words)
        if phrase and phrase.lower() not in seen:
            seen[phrase.lower()] = phrase
    phrases = list(seen.values())
    # Longer phrases carry more of the subject; ties keep the order of the question.
    order = sorted(range(len(phrases)), key=lambda i: (-min(len(phrases[i].split()), 3), i))
    return tuple([phrases[i] for i in order][:limit])


def _swap_person(clause: str) -> str:
    """The user's words as the assistant says them back: "my bike" -> "your bike"."""
    table = {"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
             "am": "are", "i'm": "you're", "we": "you", "our": "your", "us": "you"}
    return rx.sub(r"\b(i|me|my|mine|myself|am|i'm|we|our|us)\b",
                  lambda m: table[m.group(1).lower()], clause, flags=RX_I)


# --------------------------------------------------------------------------- facts
def _canon(attr: str) -> str:
    attr = attr.lower().replace("'s", "").replace("colour", "color").replace("favourite",
                                                                              "favorite")
    return rx.sub(r"\s+", " ", rx.sub(r"\b(the|a|an)\b", " ", attr)).strip()


def _value(raw: str) -> str:
    # A stated value ends at a clause break ("... and I like tea") and stays short.
    raw = rx.split(r"\s+(?:and|but|because|so|which|who|where|though|although)\s+|[,;:]",
                   raw.strip(), maxsplit=1)[0]
    return " ".join(raw.split()[:6]).strip(" '\"")


_FACT_PATTERNS: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(p, RX_I), k) for p, k in (
        (r"\bmy name is ([A-Za-z][\w'-]*(?: [A-Z][\w'-]*)?)", "name"),
        (r"\b(?:i am|i'm) called ([A-Za-z][\w'-]*)", "name"),
        (r"\bcall me ([A-Za-z][\w'-]*)", "name"),
        (r"\bi live in ([^.!?\n]+)", "home"),
        (r"\b(?:i am|i'm) from ([^.!?\n]+)", "from"),
        (r"\b(?:i am|i'm) (\d{1,3})(?: years?(?: old)?)?\b", "age"),
        (r"\bi work (?:at|for) ([^.!?\n]+)", "work"),
        (r"\bi work as (?:an? )?([^.!?\n]+)", "job"),
        (r"\b(?:i am|i'm) an? ([a-z]+(?: [a-z]+)?)\b", "job"),
        (r"\bi (?:really )?(?:like|love|enjoy) ([^.!?\n]+)", "likes"),
        (r"\bi have an? ([a-z]+) (?:named|called) ([A-Za-z][\w'-]*)", None),
        (r"\bmy ([a-z]+(?:'s)?(?: [a-z]+){0,2}) (?:is|are|was) ([^.!?\n]+)", None),
    ))
_IM_NAME = re.compile(r"\b(?i:i am|i'm|this is)\s+([A-Z][a-z]+)\b(?!\s+[a-z])")


@lru_cache(maxsize=1024)  # a chat resends its history every turn; each message is read once
def _facts_in(text: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for sentence in rx.split(r"(?<=[.!\n])\s+|\?\s*", text):
        low = sentence.lower()
        if not ("my " in low or "i " in low or "i'm" in low or "me " in low or "this is" in low):
            continue
        if not sentence.strip() or rx.match(r"\s*(what|who|where|how|when|why|do|does|is|are)\b",
                                            sentence, RX_I):
            continue
        for pattern, key in _FACT_PATTERNS:
            for m in pattern.finditer(sentence):
                if key is None and m.lastindex == 2:
                    attr = _canon(m.group(1))
                    if pattern.pattern.startswith(r"\bi have"):
                        attr = f"{attr} name"
                    if attr.split()[-1] in ("name",) and attr != "name":
                        val = m.group(2).split()[0].strip(".,!")
                    else:
                        val = _value(m.group(2))
                    out.append((attr, val))
                elif key is not None:
                    val = _value(m.group(1))
                    if key == "name":
                        val = " ".join(w[:1].upper() + w[1:] for w in val.split()[:2])
                    if key == "job" and val.split()[0].lower() in _SKIP:
                        continue
                    out.append((key, val))
        m = _IM_NAME.search(sentence)
        if m and m.group(1).lower() not in _NOT_NAMES:
            out.append(("name", m.group(1)))
    return tuple((k, v) for k, v in out if v)


_RECALL = tuple((re.compile(p, RX_I), k) for p, k in (
    (r"\b(?:what(?:'s| is) my name|who am i|what am i called|(?:know|remember) my name)\b",
     "name"),
    (r"\b(?:where do i live|where(?:'s| is) my home|where am i living)\b", "home"),
    (r"\b(?:where am i from|where do i come from)\b", "from"),
    (r"\b(?:how old am i|what(?:'s| is) my age)\b", "age"),
    (r"\b(?:where do i work|who do i work for)\b", "work"),
    (r"\b(?:what do i do(?: for (?:a living|work))?|what(?:'s| is) my (?:job|profession|"
     r"occupation))\b", "job"),
    (r"\bwhat do i (?:like|love|enjoy)\b", "likes"),
))
_FALLBACK = {"home": ("from",), "from": ("home",)}


def _recall(text: str, facts: dict[str, str]) -> tuple[str, str | None] | None:
    for pattern, key in _RECALL:
        if pattern.search(text):
            for k in (key, *_FALLBACK.get(key, ())):
                if k in facts:
                    return k, facts[k]
            return key, None
    m = rx.search(r"\b(?:what|which|who)(?:'s| is| are| was)? my ([a-z' ]{2,40}?)\s*(?:\?|$)",
                  text, RX_I)
    if m:
        attr = _canon(m.group(1))
        for k, v in facts.items():
            if k == attr or k.endswith(" " + attr) or attr.endswith(" " + k):
                return k, v
        return attr, None
    return None


# --------------------------------------------------------------------------- style
@lru_cache(maxsize=256)  # system prompts repeat; callers treat the result as read-only
def _style(system: str, user: str) -> Style:
    both = f"{system}\n{user}"
    s = Style()
    s.one_word = bool(rx.search(r"\b(?:one|a single|1)[- ]word\b|\bin a word\b|\bone-word\b",
                                both, RX_I))
    if rx.search(r"\bnumbered list\b|\bnumber(?:ed)? (?:the )?(?:items|points|steps)\b", both,
                 RX_I):
        s.as_list = "numbered"
    elif rx.search(r"\bbullet|\bas a list\b|\bin a list\b|\blist form\b|\bas lists\b", both,
                   RX_I):
        s.as_list = "bullet"
    if rx.search(r"\b(?:upper ?case|all caps|all capitals|capital letters|in caps)\b", both,
                 RX_I):
        s.case = "upper"
    elif rx.search(r"\blower ?case\b|\bno capital letters\b", both, RX_I):
        s.case = "lower"
    m = rx.search(r"\b(?:in|with|using)?\s*(one|a single|1|two|2|three|3) sentences?\b", both,
                  RX_I)
    if m:
        word = m.group(1).lower()
        s.sentences = {"a single": 1, "1": 1, "2": 2, "3": 3}.get(word, _NUMBER_WORDS.get(word))
    elif rx.search(r"\b(?:concise|brief|briefly|terse|succinct|short answers?|keep it short)\b",
                   both, RX_I):
        s.sentences = 2
    m = rx.search(r"\b(?i:you are|you're|your name is|act as|play the role of|pretend to be|"
                  r"named|called)\s+([A-Z][\w'-]+)(?:\s*,\s*((?:an?|the) [^.,;:!?\n]{3,60}))?",
                  system)
    if m and m.group(1).lower() not in _NOT_NAMES:
        s.persona, s.role = m.group(1), m.group(2)
    m = rx.search(r"\b(?:answer|reply|respond|speak|write|talk)\w*\b[^.\n]{0,20}?\bin ("
                  + "|".join(_LANGUAGES) + r")\b", both, RX_I)
    if m:
        s.language = m.group(1).capitalize()
    return s


# --------------------------------------------------------------------------- question kinds
_LIST_VERB = re.compile(r"\b(?:name|list|give|suggest|share|provide|recommend|enumerate|"
                        r"brainstorm|what are|top|come up with|write down|tell me)\b", RX_I)
_LENGTH_NOUNS = frozenset("words word sentences sentence paragraphs paragraph lines line "
                          "minutes seconds hours days years tokens characters".split())
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|hiya|howdy|greetings|good (?:morning|afternoon|"
                       r"evening|day)|yo)\b", RX_I)
_THANKS = re.compile(r"^\s*(?:thanks|thank you|thx|cheers|much appreciated)\b", RX_I)
_BYE = re.compile(r"^\s*(?:bye|goodbye|see you|good night|farewell|later)\b", RX_I)
_IDENTITY = re.compile(r"\b(?:who are you|what(?:'s| is) your name|what are you|introduce "
                       r"yourself|tell me about yourself)\b", RX_I)
_AUX = ("is", "are", "can", "could", "do", "does", "did", "should", "will", "would", "has",
        "have", "was", "were", "may", "might", "must", "shall", "isn't", "aren't", "don't",
        "doesn't", "won't", "can't")
_INSTRUCT = ("write", "explain", "describe", "summarize", "summarise", "tell", "give", "suggest",
             "create", "make", "draft", "translate", "help", "show", "outline", "plan",
             "recommend", "generate", "compose", "design", "teach", "introduce", "discuss")


def _count(text: str) -> tuple[int | None, str]:
    for sentence in rx.split(r"(?<=[.!?\n])\s+", text):
        if not _LIST_VERB.search(sentence) and not rx.match(r"\s*" + _NUM + r"\s", sentence):
            continue
        m = rx.search(r"\b" + _NUM + r"\s+([a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,5})", sentence,
                      RX_I)
        if m and m.group(2).split()[0].lower() not in _LENGTH_NOUNS:
            raw = m.group(1).lower()
            n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
            if 1 <= n <= 100:
                return n, m.group(2).strip()
    m = rx.search(r"\b(?:suggest|give me|recommend|share|propose)\s+(?:an?|one)\s+([a-z][\w'-]*"
                  r"(?:\s+[a-z][\w'-]*){0,5})", text, RX_I)
    if m and m.group(1).split()[0].lower() not in _LENGTH_NOUNS:
        return 1, m.group(1).strip()
    m = rx.search(r"\bwhat are (?:the |some )?(?:main |key |top |best )?((?:benefits|advantages|"
                  r"reasons|tips|ways|steps|causes|examples|types|kinds|pros)\b[\w' -]*)", text,
                  RX_I)
    if m:
        return None, m.group(1).strip()
    m = rx.match(r"\s*(?:please\s+)?(?:list|name|enumerate)\s+(?:the|some|a few|several)?\s*"
                 r"([a-z][\w'-]*(?:\s+[a-z][\w'-]*){0,4})", text, RX_I)
    if m and not rx.match(r"\s*(?:list|name)\s+(?:is|of|was)\b", text, RX_I):
        return None, m.group(1).strip()
    return None, ""


def _compare(text: str) -> tuple[str, str] | None:
    pats = (r"\bdifferences? between (.{1,80}?) and (.{1,80}?)(?:[?.!]|$)",
            r"^\W*(?:please |can you |could you )?compare (.{1,80}?) (?:and|with|to|vs\.?|versus) "
            r"(.{1,80}?)(?:[?.!]|$)",
            # At most six words each side: an unbounded run is quadratic on long text.
            r"\b([\w'-]+(?: [\w'-]+){0,5}) (?:vs\.?|versus) ([\w'-]+(?: [\w'-]+){0,5}?)"
            r"(?:[?.!,]|$)",
            r"\b(?:which is better|should i (?:use|choose|pick)|better)[,:]? (.{1,80}?) or "
            r"(.{1,80}?)(?:[?.!]|$)")
    low = text.lower()
    if not any(w in low for w in ("between", "compare", " vs", "versus", "better")):
        return None
    for p in pats:
        m = rx.search(p, text, RX_I)
        if m:
            a = topic_phrases(m.group(1), 1)
            b = topic_phrases(m.group(2), 1)
            if a and b and a[0].lower() != b[0].lower():
                return a[0], b[0]
    return None


def _kind(text: str, first: str) -> str:
    low = first.lower()
    words = rx.findall(r"[a-z']+", low)
    head = words[0] if words else ""
    short = len(words) <= 5
    if _IDENTITY.search(text):
        return "identity"
    if short and _GREETING.match(low):
        return "greeting"
    if short and _THANKS.match(low):
        return "thanks"
    if short and _BYE.match(low):
        return "farewell"
    if rx.match(r"\s*(?:why\b|how come\b|what(?:'s| is) the reason)", low):
        return "why"
    if rx.match(r"\s*how (?:do|does|can|could|should|would|to|did)\b", low):
        return "how"
    if rx.match(r"\s*(?:what(?:'s| is| are| does)\b|define\b|meaning of\b)", low):
        return "define"
    if head in ("when", "where", "who", "which"):
        return head
    if head == "how":
        return "define"
    if head in _AUX:
        return "yesno"
    if head in _INSTRUCT or rx.match(r"\s*(?:can|could|would|will) you (?:please )?\w+", low):
        return "instruction"
    if "?" in first:
        return "define"
    return "statement"


def read_conversation(msgs: list[dict[str, Any]]) -> Reading:
    """The cues of a conversation (messages as the API takes them).

    Parameters
    ----------
    msgs : list of dict
        Chat messages; only ``system``/``developer`` and ``user`` text is read.

    Returns
    -------
    Reading
    """
    system = "\n".join(_tail(m.get("content")) for m in msgs
                       if m.get("role") in ("system", "developer"))
    users = [_tail(m.get("content")) for m in msgs if m.get("role") == "user"]
    text = users[-1] if users else _tail(msgs[-1].get("content"))
    facts: dict[str, str] = {}
    for said in users:
        for k, v in _facts_in(said):
            facts[k] = v
    stated = list(_facts_in(text))
    style = _style(system, text)
    sentences = [s for s in rx.split(r"(?<=[.!?\n])\s+", text.strip()) if s.strip()]
    questions = [s for s in sentences if s.rstrip().endswith("?")]
    first = questions[0] if questions else (sentences[-1] if sentences else text)
    reading = Reading(text=text, kind=_kind(text, first), system=system,
                      topics=topic_phrases(text),
                      style=style, facts=facts, stated=stated)
    reading.arithmetic = find_arithmetic(first) or (
        find_arithmetic(text) if first != text else None)
    if reading.arithmetic is not None:
        reading.kind = "arithmetic"
        return reading
    reading.recall = _recall(text, facts)
    if reading.recall is not None and reading.kind != "identity":
        reading.kind = "recall"
        return reading
    count, items_of = _count(text)
    if items_of and reading.kind not in ("identity", "greeting", "thanks", "farewell"):
        reading.kind, reading.count, reading.items_of = "list", count, items_of
        return reading
    pair = _compare(text) if reading.kind not in ("why", "how") else None
    if pair is not None:
        reading.kind, reading.pair = "compare", pair
        return reading
    m = rx.match(r"\s*how (?:do|can|could|should|would) (?:i|we|you|one) (.+?)[?.!]*$|"
                 r"\s*how to (.+?)[?.!]*$", first, RX_I)
    if m:
        reading.clause = _swap_person((m.group(1) or m.group(2)).strip())
    m = rx.match(r"\s*why do (\w.+?)[?.!]*$", first, RX_I)
    if m and reading.kind == "why":
        reading.clause = _swap_person(m.group(1).strip())
    if reading.kind == "statement" and not stated and "?" not in text and \
            rx.match(r"\s*(?:please\s+)?(?:" + "|".join(_INSTRUCT) + r")\b", first, RX_I):
        reading.kind = "instruction"
    return reading
