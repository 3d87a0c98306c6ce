"""Small word tables for the emulator's chat replies: category members for lists and one-word
answers, and item templates for advice and reasons.

The tables are general knowledge (kinds of fruit, the planets, weekdays), not answers keyed to
any prompt; a request for items of a kind not listed here gets honest placeholder items.
"""

from __future__ import annotations

from ._text import rx

__all__ = ["ADVICE", "CATEGORIES", "REASONS", "category_of", "plural", "singular"]

#: Members of common categories, keyed by the singular nouns that name them.
CATEGORIES: dict[tuple[str, ...], tuple[str, ...]] = {
    ("fruit",): ("Apple", "Banana", "Orange", "Mango", "Pear", "Strawberry", "Grape", "Cherry",
                 "Pineapple", "Peach", "Kiwi", "Plum", "Lemon", "Watermelon", "Apricot", "Fig"),
    ("vegetable",): ("Carrot", "Broccoli", "Spinach", "Potato", "Onion", "Pepper", "Cabbage",
                     "Cucumber", "Lettuce", "Pea", "Leek", "Courgette", "Beetroot", "Kale"),
    ("color", "colour"): ("Red", "Blue", "Green", "Yellow", "Orange", "Purple", "Black",
                          "White", "Pink", "Brown", "Grey", "Teal"),
    ("animal", "mammal", "pet"): ("Dog", "Cat", "Elephant", "Lion", "Dolphin", "Horse", "Rabbit",
                                  "Tiger", "Giraffe", "Bear", "Fox", "Otter", "Wolf", "Zebra"),
    ("bird",): ("Robin", "Sparrow", "Eagle", "Owl", "Penguin", "Parrot", "Swan", "Crow",
                "Heron", "Pelican", "Kingfisher", "Magpie"),
    ("country", "nation"): ("France", "Japan", "Brazil", "Kenya", "Canada", "India", "Norway",
                            "Mexico", "Egypt", "Australia", "Germany", "Peru", "Vietnam",
                            "Portugal"),
    ("city",): ("Paris", "Tokyo", "Lagos", "Lima", "Oslo", "Boston", "Nairobi", "Lisbon",
                "Seoul", "Cairo", "Toronto", "Madrid", "Mumbai", "Sydney"),
    ("planet",): ("Mercury", "Venus", "Earth", "Mars", "Jupiter", "Saturn", "Uranus",
                  "Neptune"),
    ("continent",): ("Africa", "Antarctica", "Asia", "Australia", "Europe", "North America",
                     "South America"),
    ("ocean",): ("Pacific Ocean", "Atlantic Ocean", "Indian Ocean", "Southern Ocean",
                 "Arctic Ocean"),
    ("day", "weekday"): ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                         "Sunday"),
    ("month",): ("January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"),
    ("season",): ("Spring", "Summer", "Autumn", "Winter"),
    ("sport",): ("Football", "Tennis", "Basketball", "Cricket", "Swimming", "Cycling", "Rugby",
                 "Volleyball", "Athletics", "Rowing", "Golf", "Badminton"),
    ("instrument",): ("Piano", "Guitar", "Violin", "Drums", "Flute", "Cello", "Trumpet",
                      "Saxophone", "Clarinet", "Harp"),
    ("language",): ("English", "Spanish", "Mandarin", "Hindi", "Arabic", "French",
                    "Portuguese", "Swahili", "Japanese", "German", "Russian", "Bengali"),
    ("programming language",): ("Python", "JavaScript", "Java", "C", "Rust", "Go", "TypeScript",
                                "Ruby", "Kotlin", "Swift", "Haskell", "Julia"),
    ("flower",): ("Rose", "Tulip", "Daisy", "Sunflower", "Lily", "Orchid", "Lavender",
                  "Daffodil", "Poppy", "Iris"),
    ("tree",): ("Oak", "Maple", "Pine", "Birch", "Willow", "Cedar", "Beech", "Ash", "Cherry",
                "Palm"),
    ("metal",): ("Iron", "Copper", "Gold", "Silver", "Aluminium", "Zinc", "Tin", "Nickel",
                 "Lead", "Titanium"),
    ("element",): ("Hydrogen", "Helium", "Carbon", "Nitrogen", "Oxygen", "Sodium", "Iron",
                   "Calcium", "Gold", "Silicon", "Neon", "Copper"),
    ("shape",): ("Circle", "Square", "Triangle", "Rectangle", "Pentagon", "Hexagon", "Oval",
                 "Star"),
    ("emotion", "feeling"): ("Joy", "Sadness", "Anger", "Fear", "Surprise", "Calm", "Pride",
                             "Curiosity", "Gratitude", "Hope"),
    ("drink", "beverage"): ("Water", "Tea", "Coffee", "Orange juice", "Lemonade", "Milk",
                            "Hot chocolate", "Sparkling water"),
    ("name",): ("Luna", "Milo", "Olive", "Oscar", "Juniper", "Pepper", "Nova", "Biscuit",
                "Ada", "Felix", "Hazel", "Otis"),
    ("vehicle",): ("Car", "Bicycle", "Bus", "Train", "Motorcycle", "Truck", "Scooter", "Tram",
                   "Ferry", "Van"),
}

#: Advice items ("tips", "ways", "steps"): imperative sentences about ``{t}``.
ADVICE = (
    "Start with a clear goal for {t}.",
    "Break {t} into small, separate steps.",
    "Try a small example before you scale up.",
    "Write down what a good result looks like before you begin.",
    "Keep the first version simple, then add detail.",
    "Ask someone you trust to review your approach.",
    "Set aside regular, short sessions rather than one long one.",
    "Measure the result, then adjust one thing at a time.",
    "Keep notes on what worked and what did not.",
    "Learn from people who already do {t} well.",
    "Use a checklist for the parts you repeat.",
    "Be specific about constraints, such as time, budget and format.",
    "Revisit earlier work with fresh eyes after a break.",
    "Remove anything that does not serve the goal.",
    "Practise the basics until they feel easy.",
    "Plan for mistakes and decide how you will spot them.",
)

#: Reason items ("reasons", "benefits", "advantages"): declarative sentences about ``{t}``.
REASONS = (
    "It saves time once the basics are in place.",
    "It makes results easier to compare and repeat.",
    "It lowers the risk of costly mistakes.",
    "It helps people share the same picture of {t}.",
    "It scales better than doing everything by hand.",
    "It builds skills that carry over to other work.",
    "It gives clearer feedback on what is working.",
    "It tends to reduce cost over the long run.",
    "It keeps attention on what matters most.",
    "It makes {t} easier to explain to others.",
    "It opens up options that were hard to reach before.",
    "It usually improves quality without much extra effort.",
)

_IRREGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman",
              "mice": "mouse", "geese": "goose", "teeth": "tooth", "feet": "foot"}


def singular(word: str) -> str:
    """``"cities"`` -> ``"city"``, ``"boxes"`` -> ``"box"``, ``"fruits"`` -> ``"fruit"``."""
    low = word.lower()
    if low in _IRREGULAR:
        return _IRREGULAR[low]
    if low.endswith("ies") and len(low) > 4:
        return word[:-3] + "y"
    if rx.search(r"(?:ches|shes|sses|xes|zes)$", low):
        return word[:-2]
    if low.endswith("s") and not low.endswith(("ss", "us", "is")) and len(low) > 3:
        return word[:-1]
    return word


def plural(word: str) -> str:
    """``"city"`` -> ``"cities"``, ``"box"`` -> ``"boxes"``."""
    low = word.lower()
    if rx.search(r"[^aeiou]y$", low):
        return word[:-1] + "ies"
    if rx.search(r"(?:ch|sh|s|x|z)$", low):
        return word + "es"
    return word + "s"


def category_of(phrase: str) -> tuple[str, tuple[str, ...]] | None:
    """The category a noun phrase names ("3 tropical fruits" -> fruit), with its members."""
    words = [singular(w).lower() for w in rx.findall(r"[A-Za-z]+", phrase)]
    joined = " ".join(words)
    best: tuple[str, tuple[str, ...]] | None = None
    for names, members in CATEGORIES.items():
        for name in names:
            if rx.search(rf"\b{name}\b", joined) and (best is None or len(name) > len(best[0])):
                best = (name, members)
    return best
