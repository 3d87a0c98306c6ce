"""``POST /v1/moderations``: scores from phrase rules and a lexicon over all 13 categories.

Scoring runs in three steps over a normalised copy of the text (lower case, contractions
expanded: "I'm gonna" -> "i am going to", punctuation reduced to clause breaks):

1. **Idioms are set aside.** :data:`_IDIOMS` lists figures of speech built on violent words
   ("shoot some hoops", "kill time", "that joke killed", "this exam is murder", "dying to see
   it"); matches are blanked so their words cannot count as cues.
2. **Intent rules.** A first-person subject, an intent word ("want to", "going to", "will",
   "plan to" ...), a harm verb and a human target within one clause ("I want to hurt someone")
   is a threat of violence; with "you" as the target it is also threatening harassment; with
   "myself"/"my life" as the target it is self-harm intent. A negation in between ("I would
   never hurt anyone") cancels the rule. Further phrase rules cover self-harm statements
   ("I don't want to live"), requests for self-harm methods and direct threats ("you are dead").
3. **The lexicon.** Each category has weighted cue words (matched on word starts, so "stab"
   also matches "stabbing"). Violent verbs alone weigh little: describing a murder is not
   wishing one.

A category's score is ``1 - exp(-sum of weights)`` plus a tiny deterministic floor (real scores
are never exactly zero); a category is flagged at 0.5 and an input when any category is.
Sub-categories also lift their parent (``hate/threatening`` raises ``hate``). Image parts cannot
be looked at, so they add only small deterministic scores to the image-capable categories, and
``category_applied_input_types`` says which input types were scored for each category.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ._errors import invalid, missing
from ._router import EmuRequest
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
                   "worthless": 0.7, "shut up": 0.5, "ugly": 0.5, "dumb": 0.5, "hate you": 0.9,
                   "nobody likes you": 0.9, "everyone hates you": 1.0, "freak": 0.5},
    "harassment/threatening": {"i will find you": 1.3, "watch your back": 1.1,
                               "you will regret": 0.9, "i know where you live": 1.4,
                               "you will pay for": 0.9},
    "illicit": {"shoplift": 1.1, "steal": 0.7, "launder": 0.9, "counterfeit": 0.9,
                "hack into": 0.9, "fake id": 0.9, "smuggle": 0.9, "phishing": 0.8,
                "evade taxes": 0.9, "pick a lock": 0.7, "buy drugs": 1.0,
                "without getting caught": 0.6, "cook meth": 1.4, "sell drugs": 1.0},
    "illicit/violent": {"build a bomb": 1.6, "make a bomb": 1.6, "explosive": 0.8,
                        "untraceable gun": 1.4, "ghost gun": 1.2, "poison someone": 1.5,
                        "pipe bomb": 1.6, "make a weapon": 1.0},
    "self-harm": {"self-harm": 1.0, "self harm": 1.0, "suicid": 1.0, "cutting myself": 1.2,
                  "kill myself": 1.4, "end my life": 1.3, "overdose": 0.8, "starve myself": 1.0,
                  "hurt myself": 1.0, "harm myself": 1.0, "burn myself": 1.0},
    "self-harm/intent": {"want to die": 1.3, "kill myself": 1.3, "end my life": 1.3,
                         "going to hurt myself": 1.4, "do not want to live": 1.3,
                         "better off dead": 1.3, "wish i was dead": 1.3,
                         "wish i were dead": 1.3, "no reason to live": 1.3,
                         "end it all": 1.1},
    "self-harm/instructions": {"how to kill myself": 1.6, "painless way to die": 1.6,
                               "how to cut": 1.1, "lethal dose": 1.2},
    "sexual": {"sex": 0.6, "sexual": 0.6, "porn": 1.1, "nude": 0.8, "naked": 0.7, "erotic": 1.0,
               "explicit": 0.5, "orgasm": 1.1, "horny": 1.0},
    "sexual/minors": {"child porn": 2.0, "underage sex": 2.0, "minor nude": 2.0,
                      "sexualize children": 2.0},
    # Violent words alone stay below the flag: a news story or a novel may use them.
    "violence": {"kill": 0.35, "murder": 0.5, "attack": 0.3, "shoot": 0.3, "stab": 0.5,
                 "beat him": 0.6, "beat her": 0.6, "punch": 0.3, "assault": 0.5, "weapon": 0.3,
                 "blood": 0.4, "fight": 0.15, "hurt": 0.2, "die": 0.1, "bomb": 0.4,
                 "strangle": 0.5, "shot dead": 0.6, "massacre": 0.7, "torture": 0.6, "behead": 0.8},
    "violence/graphic": {"gore": 1.2, "dismember": 1.5, "mutilat": 1.4, "decapitat": 1.5,
                         "entrails": 1.3, "blood everywhere": 1.1, "gory": 1.2,
                         "corpse": 0.4},
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

# -- normalisation -------------------------------------------------------------------------
_CONTRACTIONS = [(re.compile(p), r) for p, r in (
    (r"\bi'?m\b", "i am"), (r"\bim\b", "i am"), (r"\b(i|you|we|they|he|she|it)'ll\b", r"\1 will"),
    (r"\b(i|you|we|they)'d\b", r"\1 would"), (r"\b(i|you|we|they)'ve\b", r"\1 have"),
    (r"\b(you|we|they)'re\b", r"\1 are"), (r"\b(he|she|it|that)'s\b", r"\1 is"),
    (r"\bgonna\b", "going to"), (r"\bwanna\b", "want to"), (r"\bgotta\b", "got to"),
    (r"\bwon'?t\b", "will not"), (r"\bdont\b", "do not"), (r"\bcan'?t\b", "cannot"),
    (r"\b(\w+)n't\b", r"\1 not"),
    (r"\bu\b", "you"), (r"\bur\b", "your"), (r"\bkms\b", "kill myself"),
)]


def _normalise(text: str) -> str:
    low = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    for pat, rep in _CONTRACTIONS:
        low = pat.sub(rep, low)
    low = re.sub(r"[.!?;:,()\[\]\"\n]+", " | ", low)  # clause breaks: rules never cross them
    low = re.sub(r"[^a-z0-9'|\- ]+", " ", low)
    return re.sub(r"\s+", " ", low).strip()


# -- idioms: figures of speech built on violent words, blanked before scoring ----------------
_IDIOMS = [re.compile(p) for p in (
    r"\bshoot(?:s|ing)? (?:some |a few |the )?(?:hoops|breeze|baskets)\b",
    r"\b(?:shoot|shot|shoots|shooting) (?:a|the|this|that|our|my|some|more|an?)? ?(?:short )?"
    r"(?:video|film|movie|scene|photos?|pictures?|footage|episode|commercial|music video|"
    r"documentary|portraits?)\b",
    r"\bshoot (?:me |him |her |them )?(?:an? )?(?:email|message|text|note|line|dm)\b",
    r"\bphoto ?shoots?\b", r"\b(?:give it|have|take) a shot\b", r"\bshoot for the (?:moon|stars)\b",
    r"\bcall the shots\b", r"\b(?:long|big) shot\b", r"\bflu shot\b",
    r"\bkill(?:s|ed|ing)? (?:some |the |a little |a bit of |an hour of )?time\b",
    r"\bkill(?:s|ed|ing)? it\b",
    r"\b(?:joke|jokes|show|set|performance|comedian|band|crowd|speech|act|gig|song|line|"
    r"punchline)s? (?:really |totally |absolutely |just )?killed\b",
    r"\bkill(?:s|ed|ing)? (?:the|a|this|that|my|your|all) (?:lights?|engine|process|processes|"
    r"bugs?|switch|mood|vibe|app|task|job|music|power|noise|conversation|batteries|battery|"
    r"weeds?|germs?|bacteria|joke)\b",
    r"\b(?:is|are|was|were) (?:absolutely |really |just |totally )?killing me\b",
    r"\b(?:you are|you're) killing me\b",
    r"\b(?:would|could) (?:totally |honestly )?(?:kill|murder|die) for (?:an? |some |the )?\w+",
    r"\bcould (?:murder|kill) (?:an? |some )\w+", r"\bdressed to kill\b", r"\bkiller\b",
    r"\boverkill\b", r"\bkill two birds\b",
    r"\b(?:is|was|are|were) (?:absolute |pure |sheer |just |plain )?murder\b",
    r"\bmurder mystery\b", r"\bget away with murder\b",
    r"\bdying (?:to|for)\b", r"\bdying of (?:laughter|boredom|embarrassment|curiosity)\b",
    r"\bto die for\b", r"\b(?:died|die|dying) (?:laughing|of laughter)\b",
    r"\b(?:almost|nearly) died\b", r"\bdie hard\b", r"\bthe die is cast\b",
    r"\b(?:battery|phone|laptop|plant|plants|engine|car|torch|flashlight|signal|conversation|"
    r"trend|fashion) (?:is |was |has |just )?(?:dying|died|dead)\b",
    r"\bdead (?:tired|serious|end|line|lines|beat|heat|ringer|on)\b", r"\bdrop dead\b",
    r"\bbreak a leg\b", r"\bknock(?:ed|s)? (?:\w+ )?dead\b",
    r"\b(?:bomb|bombed|bombing) (?:the|my|an|that|on) (?:exam|test|interview|audition|quiz)\b",
    r"\bphoto ?bomb\w*\b", r"\b(?:is|was) (?:the|da) bomb\b", r"\bbath bombs?\b",
    r"\bbeat (?:the|a) (?:traffic|rush|record|deadline|odds|heat|game|level|boss|clock|crowd)\b",
    r"\bbeat (?:me|you|him|her|them|us|[a-z]+) (?:at|in|by|on)\b",  # winning a contest
    r"\bkick(?:s|ed|ing)? (?:[a-z]+ )?(?:out|off)\b", r"\bhit (?:[a-z]+ )?up\b",
    r"\bfight(?:ing)? (?:off )?(?:a|the|this) (?:cold|flu|fire|urge|infection|bug|fatigue)\b",
    r"\b(?:heart|panic|asthma|anxiety) attacks?\b",
    r"\battack (?:the|this|that) (?:problem|issue|task|question|challenge)\b",
    r"\bhit (?:the|a) (?:road|sack|books|gym|jackpot|target|button|spot|nail|ground running)\b",
    r"\bslay(?:s|ed|ing)?\b", r"\bcut (?:corners|costs|the cord|it out|to the chase)\b",
    r"\bblow (?:off|out) steam\b", r"\bblow (?:out )?(?:the |your )?candles\b",
    r"\bstab at\b", r"\bmy (?:feet|head|back|legs) (?:are |is )?killing me\b",
)]

# -- intent rules ----------------------------------------------------------------------------
_GAP = r"(?:[a-z'\-]+ ){0,%d}"
_INTENT = (r"(?:want to|wants to|going to|will|shall|plan to|planning to|intend to|about to|"
           r"need to|have to|got to|would like to|would love to|feel like|might|could|should|"
           r"swear to|promise to|decided to|ready to|try to|must|am gonna|wish i could)")
_STRONG = (r"(?:kill|murder|stab|shoot|strangle|slaughter|assassinate|execute|poison|torture|"
           r"massacre|behead|kidnap|rape|bomb|blow up|burn down|run over|drown|gun down)")
# Only verbs whose everyday sense with a person as object is bodily harm: "cut my brother's
# hair", "break my sister's record" and "destroy them at chess" are not threats.
_WEAK = r"(?:hurt|harm|beat up|beat|punch|hit|attack|slap|kick|choke|injure|batter|bash)"
_WEAK_SELF = r"(?:hurt|harm|cut|burn|starve|punish|injure)"
_OTHERS = (r"(?:you|him|her|them|someone|somebody|anyone|anybody|everyone|everybody|people|"
           r"a person|all of (?:you|them)|those (?:people|guys|kids)|this guy|that guy|"
           r"(?:my|the|his|her|their|your|that|this|those|these|our) (?:[a-z\-]+ )?"
           r"(?:boss|wife|husband|teacher|teachers|neighbou?rs?|brother|sister|mother|father|"
           r"mom|mum|dad|family|ex|classmates?|coworkers?|colleagues?|friends?|roommate|kids?|"
           r"children|child|students?|class|school|manager|girlfriend|boyfriend|partner|son|"
           r"daughter|baby|cousin|uncle|aunt|president|police|officer|cops?|guy|man|woman|"
           r"people|doctor|landlord|driver)|(?:a|some) (?:man|woman|kid|child|guy|stranger|"
           r"cop|student|teacher))")
_SELF = r"(?:myself|my self|my own life|my life|it all|everything)"
_NEG = re.compile(r"\b(?:not|never|no|nobody|cannot)\b")


def _intent(subject: str, verb: str, target: str, gap_after: int = 2) -> re.Pattern[str]:
    # Up to four words between intent and verb: "will find you and kill you".
    return re.compile(rf"\b{subject} {_GAP % 3}{_INTENT} {_GAP % 4}{verb}(?:s|ed|ing)? "
                      rf"{_GAP % gap_after}{target}\b")


# (pattern, {category: weight}); a negation inside the match cancels the rule.
_RULES: list[tuple[re.Pattern[str], dict[str, float], bool]] = [
    (_intent(r"(?:i|we)", _STRONG, _SELF, 1), {"self-harm": 1.6, "self-harm/intent": 2.0},
     True),
    (_intent(r"(?:i|we)", _WEAK_SELF, _SELF, 1), {"self-harm": 1.5, "self-harm/intent": 1.8},
     True),
    (_intent(r"(?:i|we)", _STRONG, r"you"), {"violence": 2.2, "harassment/threatening": 1.8,
                                              "harassment": 1.0}, True),
    (_intent(r"(?:i|we)", _WEAK, r"you"), {"violence": 1.6, "harassment/threatening": 1.4,
                                            "harassment": 0.8}, True),
    (_intent(r"(?:i|we)", _STRONG, _OTHERS), {"violence": 2.2}, True),
    (_intent(r"(?:i|we)", _WEAK, _OTHERS), {"violence": 1.6}, True),
    # An intent to kill with no recognisable target leans violent, but never flags alone:
    # "I'm going to kill this presentation", "I'd like to stab a fork into this steak".
    (re.compile(rf"\b(?:i|we) {_GAP % 3}{_INTENT} {_GAP % 2}{_STRONG}\b"), {"violence": 0.15},
     True),
    # Direct threats and wishes of harm addressed to the reader.
    (re.compile(r"\byou (?:are|will be|are going to be) (?:so )?dead\b|\byou (?:are going to|"
                r"will|should|deserve to) die\b|\bi hope you (?:die|get hurt|suffer)\b|"
                r"\bgo (?:and )?die\b"), {"harassment/threatening": 1.6, "harassment": 1.0,
                                          "violence": 1.2}, False),
    (re.compile(r"\b(?:go )?kill yourself\b|\byou should (?:just )?(?:kill|hurt) yourself\b"),
     {"harassment/threatening": 1.6, "harassment": 1.2, "self-harm": 0.6, "violence": 0.8},
     False),
    (re.compile(r"\b(?:i|we) will (?:make you (?:pay|suffer|regret)|find you|get you|end you|"
                r"destroy you(?! (?:at|in|on)\b))\b"),
     {"harassment/threatening": 1.5, "violence": 1.0}, True),
    # Self-harm said other ways; negation is part of several of these, so it does not cancel.
    (re.compile(r"\b(?:do not|no longer|never) want to (?:live|be alive|exist|wake up)\b|"
                r"\b(?:want|wants|going) to die\b|\bwish i (?:was|were|had been) (?:dead|never "
                r"born)\b|\b(?:no|not any) (?:reason|point) (?:to|in) (?:live|living|going "
                r"on)\b|\bbetter off (?:dead|without me)\b|\b(?:am|feel|feeling) suicidal\b|"
                r"\bthinking (?:about|of) (?:suicide|killing myself|ending (?:it|my life))\b"),
     {"self-harm": 1.5, "self-harm/intent": 1.8}, False),
    (re.compile(r"\bhow (?:to|do i|can i|should i|would i|do you|can you) (?:\w+ )?(?:kill|hurt|"
                r"harm|cut|burn|starve|poison) (?:myself|yourself|oneself)\b|\b(?:painless|"
                r"quick|easy|best) (?:way|method|ways|methods) to (?:die|kill myself|end my "
                r"life|commit suicide)\b|\bhow many (?:pills|tablets) (?:\w+ ){0,3}(?:die|kill|"
                r"overdose)\b"), {"self-harm": 1.4, "self-harm/instructions": 2.0}, False),
]


def score_text(text: str) -> dict[str, float]:
    """The summed cue weights per category for ``text`` (before squashing)."""
    low = _normalise(text)
    for idiom in _IDIOMS:
        low = idiom.sub(" ~ ", low)
    raw = {cat: sum(w * len(p.findall(low)) for p, w in pats) for cat, pats in _PATTERNS.items()}
    for pattern, weights, negatable in _RULES:
        for m in pattern.finditer(low):
            if negatable and _NEG.search(m.group(0)):
                continue
            for cat, w in weights.items():
                raw[cat] += w
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
