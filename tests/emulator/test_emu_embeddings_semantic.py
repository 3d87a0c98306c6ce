"""Does the emulator's embedding relate texts by meaning? Measured on hand-written triples.

Each triple is (query, related, unrelated): a text about the same subject should rank above a
text about something else. Many related texts share no word with their query, so only the
concept table can relate them. The set was written as ordinary sentences about everyday topics,
not picked from the table; the bar is the issue's (at least 90% of triples, for every model).
"""

from __future__ import annotations

import numpy as np
import pytest
from _emu_stub import StubApp, call

from lcoai_notebook.emulator._embeddings import stem

MODELS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072,
          "text-embedding-ada-002": 1536}

# (query, related, unrelated)
TRIPLES: list[tuple[str, str, str]] = [
    # animals
    ("a cat napping on a couch", "Kittens and cats love to play with yarn",
     "The stock market fell three percent"),
    ("My dog barks at the mailman", "The puppy wagged its tail", "Interest rates rose again"),
    ("The kitten purred softly", "A tabby cat curled up by the fire",
     "The train left the station late"),
    ("Lions hunt zebras on the savanna", "A tiger stalked its prey", "She paid the invoice"),
    ("We saw an eagle soaring overhead", "Sparrows and robins built a nest",
     "The laptop needs a new battery"),
    ("The farmer milked the cows", "Sheep and goats grazed in the pasture",
     "The senator gave a speech"),
    ("Sharks swim in the ocean", "A whale and a dolphin surfaced", "The exam was difficult"),
    # family and people
    ("My mother called me yesterday", "Her dad and her brother visited",
     "The engine overheated on the highway"),
    ("The king addressed his subjects", "The queen wore her crown", "The carburetor was clogged"),
    ("Grandma baked cookies for the grandchildren", "My grandfather tells old stories",
     "The server crashed overnight"),
    ("They got married last spring", "The bride and groom cut the cake",
     "The volcano erupted"),
    # money and finance
    ("bond markets and interest", "Treasury yields climbed as the central bank tightened",
     "A kitten chases a ball of yarn"),
    ("Quarterly earnings beat expectations", "The company reported record profit and revenue",
     "The puppy fell asleep"),
    ("Shares plunged on Wall Street", "Investors sold stocks as the index dropped",
     "We hiked up the mountain"),
    ("I need a loan to buy a house", "The bank approved my mortgage", "The band played jazz"),
    ("Inflation is eating my salary", "Prices keep rising while wages stay flat",
     "The goalkeeper saved a penalty"),
    ("She saves cash in her wallet", "He deposited coins at the bank",
     "Thunderstorms are expected tonight"),
    # weather
    ("It is raining heavily today", "Bring an umbrella, a storm is coming",
     "The recipe needs two eggs"),
    ("A blizzard buried the town in snow", "Freezing temperatures and icy roads",
     "The actor won an award"),
    ("The heatwave broke records", "Hot sunny days with high humidity",
     "He wrote a Python function"),
    ("Strong winds and a hurricane warning", "The tornado tore through the county",
     "My aunt knits sweaters"),
    # food
    ("What should I cook for dinner?", "A recipe for pasta with tomato sauce",
     "The senate passed the bill"),
    ("I love chocolate cake", "Cookies and brownies for dessert", "The pilot landed the plane"),
    ("Fresh apples and bananas", "A bowl of strawberries and grapes",
     "The referee blew the whistle"),
    ("This restaurant serves great sushi", "The chef prepared a delicious meal",
     "The printer is out of ink"),
    ("morning coffee", "a cup of espresso or tea", "a broken bicycle chain"),
    # vehicles
    ("My car will not start", "The engine and the battery need repair",
     "The baby is teething"),
    ("The bus was stuck in traffic", "Commuters waited for the subway",
     "The painting hangs in a gallery"),
    ("We sailed the boat across the bay", "The ship docked in the harbour",
     "She studied for her chemistry exam"),
    ("He rides a motorcycle to work", "A scooter zipped down the street",
     "The violinist tuned her instrument"),
    # emotions
    ("I feel so happy today", "Full of joy and laughter", "The tax return is due"),
    ("She was terrified of the dark", "Fear and anxiety kept him awake",
     "The soup needs more salt"),
    ("He was furious about the delay", "Anger and frustration boiled over",
     "Giraffes have long necks"),
    ("They wept at the funeral", "Grief and sorrow filled the room", "The stadium was packed"),
    # film and television
    ("We watched a great movie last night", "The film's director won an Oscar",
     "Cows graze in the field"),
    ("The new series premieres on Netflix", "Every episode of the sitcom is funny",
     "The bond yield inverted"),
    ("A horror film with a terrifying plot", "The thriller kept the audience on edge",
     "Carrots and peas are vegetables"),
    # sport
    ("The team won the championship", "Fans cheered as the striker scored a goal",
     "The cake is in the oven"),
    ("She ran a marathon", "Runners sprinted around the track", "My computer froze"),
    ("Tennis at Wimbledon", "He served an ace with his racket", "The judge read the verdict"),
    ("shoot some hoops", "basketball practice at the gym", "the orchestra's symphony"),
    # computing
    ("My laptop keeps crashing", "The software has a bug that freezes the computer",
     "The horse jumped the fence"),
    ("Learning to program in Python", "Writing code and debugging functions",
     "The bride wore white"),
    ("The database query is slow", "Optimise the SQL index on the server",
     "The lion roared"),
    ("Reset your password to log in", "The account login and security settings",
     "Fresh bread from the bakery"),
    # health
    ("I have a fever and a cough", "The doctor said it is the flu", "The concert sold out"),
    ("She had surgery at the hospital", "The surgeon and nurses treated the patient",
     "The stock split two for one"),
    ("Take this medicine twice a day", "The pharmacist filled the prescription",
     "The goat climbed the hill"),
    # places and travel
    ("We spent a week in Paris", "Our trip to France and Italy", "The router needs rebooting"),
    ("Book a hotel near the airport", "Our flight departs tomorrow morning",
     "The kitten sleeps a lot"),
    ("a vacation at the beach resort", "holiday travel with suitcases and passports",
     "the accountant filed the audit"),
    # music
    ("She plays the piano beautifully", "The pianist performed a sonata with the orchestra",
     "He changed a flat tire"),
    ("The band's new album", "Their songs topped the charts on the radio",
     "Mortgage rates fell"),
    ("He strummed his guitar", "The drummer kept the rhythm", "The patient needs rest"),
    # nature
    ("A walk through the forest", "Tall oak and pine trees in the woods",
     "The invoice is overdue"),
    ("The river flows into the lake", "A waterfall feeds the stream", "The team lost the match"),
    ("Flowers bloom in the garden", "Roses and tulips planted in spring",
     "The software update failed"),
    # science
    ("Atoms are made of protons and electrons", "Quantum physics describes particles",
     "We ordered pizza"),
    ("Astronomers discovered a new galaxy", "The telescope observed distant stars and planets",
     "She bought new shoes"),
    ("DNA carries genetic information", "Genes and cells in biology", "The bus was late"),
    # politics
    ("The election results are in", "Voters cast ballots for the candidate",
     "The dog chewed my slipper"),
    ("Parliament debated the new law", "The government proposed legislation",
     "The chef seasoned the steak"),
    # education
    ("Students studied for the final exam", "The teacher graded the homework",
     "The yacht sailed away"),
    ("She graduated from university", "He earned a degree at college",
     "The thunderstorm knocked out power"),
    # clothing and home
    ("I need a new winter coat", "Warm jackets, scarves and gloves",
     "The algorithm sorts the list"),
    ("She bought shoes and a dress", "Fashion designers showed new outfits",
     "The rocket launched into orbit"),
    ("Our living room needs a new sofa", "Furniture like chairs, tables and a lamp",
     "The striker missed the goal"),
    # body and time and work
    ("My knee and ankle hurt", "His leg and foot were sore", "The album went platinum"),
    ("The meeting is at noon on Monday", "Schedule it for Tuesday morning",
     "The whale breached"),
    ("He was hired as a manager", "The company promoted her at the office",
     "The frog jumped into the pond"),
    # crime
    ("Police arrested the burglar", "The thief was sent to prison",
     "The orchestra tuned up"),
    # colours and art
    ("a bright red and yellow painting", "colourful blue and green brush strokes",
     "the mortgage application"),
    ("She wrote a novel", "The author published her book", "The heater is broken"),
]


def _embed(app: StubApp, model: str, texts: list[str], **kw) -> np.ndarray:
    body = call(app, "POST", "/v1/embeddings", {"model": model, "input": texts, **kw})
    return np.array([d["embedding"] for d in body["data"]], dtype=np.float64)


def _score(app: StubApp, model: str, **kw) -> tuple[float, list[tuple[str, str, str]]]:
    flat = [t for triple in TRIPLES for t in triple]
    m = _embed(app, model, flat, **kw).reshape(len(TRIPLES), 3, -1)
    rel = np.einsum("nd,nd->n", m[:, 0], m[:, 1])
    unrel = np.einsum("nd,nd->n", m[:, 0], m[:, 2])
    wrong = [TRIPLES[i] for i in np.flatnonzero(rel <= unrel)]
    return float(np.mean(rel > unrel)), wrong


def test_the_set_is_large_varied_and_often_shares_no_word():
    assert len(TRIPLES) >= 60 and len(set(TRIPLES)) == len(TRIPLES)

    def words(text: str) -> set[str]:
        return {stem(w) for w in text.lower().replace(",", " ").replace(".", " ").split()
                if len(w) > 3}

    disjoint = [q for q, r, _ in TRIPLES if not words(q) & words(r)]
    assert len(disjoint) >= 40  # most pairs relate through meaning alone


@pytest.mark.parametrize("model", sorted(MODELS))
def test_related_ranks_above_unrelated_for_90_percent(model):
    score, wrong = _score(StubApp(), model)
    assert score >= 0.9, (score, wrong)


def test_shortened_vectors_still_rank():
    # `dimensions` keeps the leading components, which carry the concept part.
    score, wrong = _score(StubApp(), "text-embedding-3-small", dimensions=256)
    assert score >= 0.9, (score, wrong)
    score, wrong = _score(StubApp(), "text-embedding-3-large", dimensions=128)
    assert score >= 0.85, (score, wrong)


def test_word_pairs_from_the_issue():
    app = StubApp()
    for model in MODELS:
        cat, kitten, king, queen, carb, stock = _embed(
            app, model, ["cat", "kitten", "king", "queen", "carburetor", "stock"])
        assert cat @ kitten > 0.5 and cat @ kitten > cat @ stock + 0.3
        assert king @ queen > king @ carb + 0.3


def test_search_for_bond_markets_finds_finance_first():
    docs = ["A kitten chases a ball of yarn", "Quarterly earnings beat forecasts",
            "The central bank raised interest rates", "My grandmother loves her garden",
            "Bond yields slipped as investors bought treasuries", "The striker scored twice"]
    m = _embed(StubApp(), "text-embedding-3-small", ["bond markets and interest", *docs])
    order = np.argsort(-(m[1:] @ m[0]))
    assert {docs[i] for i in order[:3]} == {docs[1], docs[2], docs[4]}


def test_models_differ_and_are_deterministic():
    app = StubApp()
    texts = ["the cat sat on the mat", "interest rates rose"]
    small = _embed(app, "text-embedding-3-small", texts)
    ada = _embed(app, "text-embedding-ada-002", texts)
    assert small.shape == ada.shape == (2, 1536)
    assert np.max(np.abs(small @ ada.T)) < 0.3  # different projections, not the same vectors
    assert np.array_equal(small, _embed(StubApp(), "text-embedding-3-small", texts))
    large = _embed(app, "text-embedding-3-large", texts)
    assert large.shape == (2, 3072) and np.allclose(np.linalg.norm(large, axis=1), 1, atol=1e-5)
    # ada-002 is famously anisotropic: unrelated texts score higher than with 3-small.
    assert ada[0] @ ada[1] > small[0] @ small[1] + 0.1


def test_leading_components_carry_most_of_the_energy():
    m = _embed(StubApp(), "text-embedding-3-small", [t for t, _, _ in TRIPLES[:20]])
    lead = np.sum(m[:, :256] ** 2, axis=1)
    assert np.all(lead > 1.5 * 256 / 1536)  # well above an even spread


@pytest.mark.parametrize(("word", "expected"), [
    ("kittens", "kitten"), ("napping", "nap"), ("studies", "studi"), ("study", "studi"),
    ("baking", "bak"), ("bake", "bak"), ("houses", "hous"), ("mice", "mous"),
    ("running", "run"), ("falling", "fall"), ("king", "king"), ("spring", "spring"),
    ("happiness", "happi"), ("cat", "cat"),
])
def test_stemmer(word, expected):
    assert stem(word) == expected


def test_a_word_and_its_forms_share_one_stem():
    for forms in (("mouse", "mice"), ("study", "studies", "studied"), ("nap", "napping", "napped"),
                  ("movie", "movies"), ("box", "boxes"), ("child", "children")):
        assert len({stem(f) for f in forms}) == 1, forms
