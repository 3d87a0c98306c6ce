"""Chat cues of the emulator: arithmetic, lists, JSON keys, memory, system prompts, sampling and
readability, each tried with several phrasings (general rules, not canned answers)."""

from __future__ import annotations

import json
import re

import pytest
from _emu_stub import StubApp, call
from _schema import validate_response

PATH = "/v1/chat/completions"


def U(text: str) -> dict:  # noqa: N802  (reads like a message constructor)
    return {"role": "user", "content": text}


def A(text: str) -> dict:  # noqa: N802
    return {"role": "assistant", "content": text}


def S(text: str) -> dict:  # noqa: N802
    return {"role": "system", "content": text}


def reply(messages: list[dict] | str, app: StubApp | None = None, **kw) -> str:
    msgs = [U(messages)] if isinstance(messages, str) else messages
    body = call(app or StubApp(), "POST", PATH, {"model": "gpt-4o-mini", "messages": msgs, **kw})
    validate_response("createChatCompletion", body)
    return body["choices"][0]["message"]["content"]


# --------------------------------------------------------------------------- arithmetic
@pytest.mark.parametrize(("question", "answer"), [
    ("2+2", "4"), ("What is 12 * 7?", "84"), ("15% of 80", "12"), ("(3+4)*2", "14"),
    ("What is 7 plus 7?", "14"), ("how much is 20 percent of 150?", "30"),
    ("Calculate 100 / 8", "12.5"), ("what's 2^10", "1024"), ("-3 * -2 = ?", "6"),
    ("What is 3 times 4 divided by 2?", "6"), ("sqrt(16) + 1", "5"), ("1,000 + 2,500", "3500"),
])
def test_arithmetic_is_answered(question, answer):
    for seed in range(3):
        assert re.search(rf"(?<![\d.]){re.escape(answer)}(?![\d])", reply(question, seed=seed))


def test_arithmetic_without_eval_refuses_the_impossible():
    assert "undefined" in reply("What is 5/0?")
    assert "too large" in reply("9^9^9")
    # Numbers inside ordinary prose are not sums to answer.
    assert "-1" not in reply("Tell me about the 2024-2025 season.")
    assert reply("__import__('os').system('echo hi') + 1", seed=1)  # answered as text, not run


# --------------------------------------------------------------------------- lists
@pytest.mark.parametrize(("question", "n"), [
    ("Name 3 fruits.", 3), ("List 5 tips for writing prompts.", 5),
    ("Give me 4 reasons to learn Python", 4), ("name seven colours", 7),
    ("Can you list 2 planets?", 2), ("Suggest 6 board games for a family night", 6),
    ("What are 3 benefits of walking?", 3), ("Top 10 programming languages", 10),
])
def test_list_n_gives_n_items(question, n):
    text = reply(question, seed=1)
    items = [ln for ln in text.splitlines() if re.match(r"\s*(\d+\.|-)\s+\S", ln)]
    assert len(items) == n, text
    assert len(set(items)) == n


def test_list_items_come_from_the_category_and_bullets_follow_the_system_prompt():
    text = reply([S("Use bullet points."), U("Name 4 planets")], seed=2)
    lines = text.splitlines()[1:]
    planets = {"Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus", "Neptune"}
    assert len(lines) == 4 and all(ln.startswith("- ") and ln[2:] in planets for ln in lines)


# --------------------------------------------------------------------------- JSON mode
@pytest.mark.parametrize(("prompt", "keys"), [
    ("Tell me a joke about cats, respond in JSON with `setup` and `punchline` keys",
     ["setup", "punchline"]),
    ("Return a JSON object with the keys name, age and city.", ["name", "age", "city"]),
    ("Reply in json. Fields: title, author, year", ["title", "author", "year"]),
    ('Answer in JSON with keys "summary" and "sentiment" for this review: great phone!',
     ["summary", "sentiment"]),
    ("Give me JSON with name and age for a person called Ada.", ["name", "age"]),
    ("Output JSON with the properties 'first_name', 'last_name' and 'email' for Grace Hopper.",
     ["first_name", "last_name", "email"]),
    ('Fill this JSON template: {"product": "", "price": 0, "in_stock": true}',
     ["product", "price", "in_stock"]),
    ("Describe a city as a json object containing name, country and population fields.",
     ["name", "country", "population"]),
])
def test_json_mode_returns_the_keys_the_prompt_names(prompt, keys):
    for seed in range(3):
        obj = json.loads(reply(prompt, seed=seed, response_format={"type": "json_object"}))
        assert list(obj) == keys


def test_json_mode_values_come_from_the_prompt_and_are_typed():
    obj = json.loads(reply("Return a JSON object with the keys name, age and city for: Maria is "
                           "34 and lives in Porto.", response_format={"type": "json_object"}))
    assert obj == {"name": "Maria", "age": 34, "city": "Porto"}
    obj = json.loads(reply("Extract fields product, price and quantity as JSON. I bought 3 lamps "
                           "for $45.", response_format={"type": "json_object"}))
    assert obj["price"] == 45 and obj["quantity"] == 3 and obj["product"] == "lamps"
    obj = json.loads(reply('What is 6 * 7? Reply as JSON with an "answer" key.',
                           response_format={"type": "json_object"}))
    assert obj == {"answer": 42}
    obj = json.loads(reply("Respond in JSON with keys is_spam and tags.",
                           response_format={"type": "json_object"}))
    assert isinstance(obj["is_spam"], bool) and isinstance(obj["tags"], list)


def test_langchain_json_mode_parse_round_trip():
    # LangChain's with_structured_output(method="json_mode") sends the user's prompt with
    # response_format json_object and parses the content with json.loads, then reads the keys.
    prompt = ("Tell me a joke about dogs, respond in JSON with `setup` and `punchline` keys")
    for seed in range(4):
        parsed = json.loads(reply(prompt, seed=seed, response_format={"type": "json_object"}))
        assert set(parsed) == {"setup", "punchline"}
        assert all(isinstance(v, str) and v.strip() for v in parsed.values())


# --------------------------------------------------------------------------- memory
@pytest.mark.parametrize(("said", "asked", "expected"), [
    ("My name is Zed.", "What is my name?", "Zed"),
    ("Hi, I'm Priya", "Do you remember my name?", "Priya"),
    ("call me Ishmael", "Who am I?", "Ishmael"),
    ("I live in Lisbon and I work at a bakery.", "Where do I live?", "Lisbon"),
    ("I'm from Osaka.", "Where am I from?", "Osaka"),
    ("My favourite colour is green.", "What is my favorite color?", "green"),
    ("My favorite food is ramen", "what's my favourite food?", "ramen"),
    ("I have a dog named Rex.", "What's my dog's name?", "Rex"),
    ("I am 31 years old.", "How old am I?", "31"),
])
def test_facts_stated_earlier_are_recalled(said, asked, expected):
    msgs = [U(said), A("Noted."), U("Tell me about the weather."), A("It varies."), U(asked)]
    for seed in range(3):
        assert expected in reply(msgs, seed=seed)


def test_unknown_facts_are_not_invented():
    text = reply("What is my name?")
    assert "haven't told me" in text
    text = reply([U("My name is Zed."), A("Hi Zed."), U("Where do I live?")])
    assert "haven't told me" in text and "Zed" not in text


def test_greeting_uses_the_users_name():
    assert "Zed" in reply([U("My name is Zed."), A("Hello."), U("Hello!")], seed=4)


# --------------------------------------------------------------------------- system prompt
@pytest.mark.parametrize("system", ["Answer in one word.", "Reply with a single word only.",
                                    "Use one-word answers."])
@pytest.mark.parametrize("question", ["What colour is the sky?", "Is water wet?",
                                      "What is 6 times 7?", "Name a fruit."])
def test_one_word_instruction(system, question):
    text = reply([S(system), U(question)], seed=1)
    assert len(text.split()) == 1, text
    if "6 times 7" in question:
        assert text.strip(".") == "42"


@pytest.mark.parametrize("system", ["Always answer as a bulleted list.",
                                    "Format replies as bullet points.",
                                    "Reply in list form."])
def test_list_instruction(system):
    text = reply([S(system), U("Tell me about volcanoes and their eruptions.")], seed=3)
    lines = text.splitlines()
    assert len(lines) >= 2 and all(ln.startswith("- ") for ln in lines)


@pytest.mark.parametrize("system", ["Reply in uppercase.", "ANSWER IN ALL CAPS.",
                                    "Write everything in capital letters."])
def test_uppercase_instruction(system):
    text = reply([S(system), U("Explain how rainbows form.")], seed=1)
    assert text == text.upper() and re.search("[A-Z]{4}", text)


@pytest.mark.parametrize(("system", "name"), [
    ("You are Ada, a patient maths tutor.", "Ada"),
    ("you are Marco, a friendly travel agent. Keep answers short.", "Marco"),
    ("Your name is Nova. Help users with gardening.", "Nova"),
    ("Act as Sherlock, a detective who explains clues.", "Sherlock"),
])
@pytest.mark.parametrize("question", ["Who are you?", "What's your name?", "Introduce yourself."])
def test_persona_name(system, name, question):
    assert f"I'm {name}" in reply([S(system), U(question)], seed=1)


def test_sentence_budget():
    text = reply([S("Answer in one sentence."), U("Explain photosynthesis to me.")], seed=1)
    assert len(re.findall(r"[.!?](?:\s|$)", text)) == 1


# --------------------------------------------------------------------------- sampling
def test_temperature_varies_without_seed_and_a_seed_or_zero_fixes_it():
    app = StubApp()
    msgs = [U("Why is the sky blue?")]
    sampled = {reply(msgs, app, temperature=1) for _ in range(5)}
    default = {reply(msgs, app) for _ in range(5)}  # unset temperature is 1, as OpenAI's
    assert len(sampled) >= 3 and len(default) >= 3
    assert len({reply(msgs, app, temperature=1, seed=9) for _ in range(4)}) == 1
    assert len({reply(msgs, app, temperature=0) for _ in range(4)}) == 1
    assert reply(msgs, StubApp(), temperature=0) == reply(msgs, app, temperature=0)


def test_a_fresh_emulator_fed_the_same_requests_answers_the_same():
    first, second = StubApp(), StubApp()
    asks = ["Why is the sky blue?", "Why is the sky blue?", "Tell me about otters."]
    assert [reply(q, first) for q in asks] == [reply(q, second) for q in asks]


# --------------------------------------------------------------------------- readability
QUESTIONS = [
    "Tell me about cats and their whiskers.", "What is the capital of France?",
    "Why do people compare embeddings with cosine similarity?", "How do I bake bread at home?",
    "Compare Python and Rust.", "Is coffee bad for you?", "Explain quantum computing",
    "When was the printing press invented?", "Where do penguins live?",
    "What is the difference between weather and climate?", "Describe the ocean at length.",
    "How does a refrigerator work?", "Who painted the Mona Lisa?", "Hello!", "Thanks a lot!",
    "Write a short note about recycling.", "Should I learn statistics before machine learning?",
]


@pytest.mark.parametrize("question", QUESTIONS)
def test_replies_read_as_sentences_about_the_subject(question):
    for seed in range(4):
        text = reply(question, seed=seed)
        sentences = re.split(r"(?<=[.!?])\s+", text.strip())
        assert all(s[:1].isupper() and s[-1] in ".!?" for s in sentences), text
        assert not re.search(r"\bAbout [\w ,]+:", text)
        words = re.findall(r"[a-z']+", text.lower())
        assert all(a != b for a, b in zip(words, words[1:], strict=False)), text
        if question not in ("Hello!", "Thanks a lot!"):
            subject = {w for w in re.findall(r"[a-z]{4,}", question.lower())} - {
                "tell", "about", "their", "what", "does", "should", "explain", "describe",
                "when", "where", "compare", "difference", "between", "write", "short", "learn",
                "before", "painted", "invented", "live", "work", "people"}
            assert subject & set(words), (question, text)


def test_tool_result_is_summarised_in_a_sentence():
    msgs = [U("Weather in Oslo?"),
            {"role": "assistant", "content": None, "tool_calls": [{
                "id": "call_1", "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city":"Oslo"}'}}]},
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 7, "sky": "rain"}'}]
    text = reply(msgs, seed=1)
    assert text.startswith("According to get_weather, temp_c is 7 and sky is rain.")
