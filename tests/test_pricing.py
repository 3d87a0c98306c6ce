"""Token costs from the model table, checked against sums worked out by hand."""

from __future__ import annotations

import pytest

from lcoai_notebook import _catalog
from lcoai_notebook._models import Result
from lcoai_notebook._pricing import chat_cost, price_per_1m


def test_price_comes_from_the_model_table() -> None:
    # gpt-4.1-mini: $0.40 input, $0.10 cached input, $1.60 output per 1M (reference pricing).
    assert price_per_1m("gpt-4.1-mini") == {"input": 0.4, "cached_input": 0.1, "output": 1.6}
    assert price_per_1m("gpt-4.1-mini") == _catalog.model_info("gpt-4.1-mini")["price_per_1m"]
    assert price_per_1m("text-embedding-3-small") == {"input": 0.02, "cached_input": None,
                                                      "output": None}


@pytest.mark.parametrize("model", ["gpt-5.4-mini", "my-local-llama", "", None, "whisper-1"])
def test_no_price_means_none(model) -> None:
    # gpt-5.4-mini is in the table without a price; the others are unknown or not token-billed.
    assert price_per_1m(model) is None
    assert chat_cost(model, {"prompt_tokens": 10, "completion_tokens": 10}) is None


def test_chat_cost_by_hand() -> None:
    # 1,000 prompt tokens of which 400 cached, 500 completion tokens on gpt-4.1-mini:
    # 600 * 0.40 + 400 * 0.10 + 500 * 1.60 = 240 + 40 + 800 = 1,080 USD per 1M -> 0.00108 USD.
    usage = {"prompt_tokens": 1000, "completion_tokens": 500, "total_tokens": 1500,
             "prompt_tokens_details": {"cached_tokens": 400}}
    assert chat_cost("gpt-4.1-mini", usage) == pytest.approx(0.00108, rel=1e-12)
    # Without cache hits: 1000 * 0.40 + 500 * 1.60 = 1,200 per 1M -> 0.0012 USD.
    assert chat_cost("gpt-4.1-mini", {"prompt_tokens": 1000, "completion_tokens": 500}) == \
        pytest.approx(0.0012, rel=1e-12)
    # gpt-4o: 2,000,000 prompt (500,000 cached) + 100,000 completion:
    # 1.5 * 2.50 + 0.5 * 1.25 + 0.1 * 10.00 = 3.75 + 0.625 + 1.0 = 5.375 USD.
    big = {"prompt_tokens": 2_000_000, "completion_tokens": 100_000,
           "prompt_tokens_details": {"cached_tokens": 500_000}}
    assert chat_cost("gpt-4o", big) == pytest.approx(5.375, rel=1e-12)


def test_usage_as_a_result_object_and_as_attributes() -> None:
    usage = Result({"prompt_tokens": 30, "completion_tokens": 12, "total_tokens": 42,
                    "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0}})
    # 30 * 0.15 + 12 * 0.60 = 4.5 + 7.2 = 11.7 per 1M.
    assert chat_cost("gpt-4o-mini", usage) == pytest.approx(11.7e-6, rel=1e-12)

    class Details:
        cached_tokens = 10

    class Usage:  # the official SDK's pydantic usage: attributes only
        prompt_tokens = 30
        completion_tokens = 12
        prompt_tokens_details = Details()

    # 20 * 0.15 + 10 * 0.075 + 12 * 0.60 = 3.0 + 0.75 + 7.2 = 10.95 per 1M.
    assert chat_cost("gpt-4o-mini", Usage()) == pytest.approx(10.95e-6, rel=1e-12)


def test_embedding_usage_bills_input_only() -> None:
    # 5,000 tokens on text-embedding-3-small at $0.02 per 1M = 0.0001 USD.
    assert chat_cost("text-embedding-3-small", {"prompt_tokens": 5000, "total_tokens": 5000}) == \
        pytest.approx(0.0001, rel=1e-12)
    # Output tokens on a model with no output price: unknown, not zero.
    assert chat_cost("text-embedding-3-small", {"prompt_tokens": 5, "completion_tokens": 1}) \
        is None


def test_cached_tokens_without_a_cached_price_are_not_guessed() -> None:
    # gpt-5-pro publishes no cached-input price.
    assert price_per_1m("gpt-5-pro")["cached_input"] is None
    # 100 * 15 + 10 * 120 = 2,700 per 1M.
    assert chat_cost("gpt-5-pro", {"prompt_tokens": 100, "completion_tokens": 10}) == \
        pytest.approx(2.7e-3, rel=1e-12)
    assert chat_cost("gpt-5-pro", {"prompt_tokens": 100, "completion_tokens": 10,
                                   "prompt_tokens_details": {"cached_tokens": 50}}) is None


def test_zero_and_missing_usage() -> None:
    assert chat_cost("gpt-4.1-mini", {}) == 0.0
    assert chat_cost("gpt-4.1-mini", None) is None


@pytest.mark.parametrize("usage", [
    {"prompt_tokens": -1},
    {"prompt_tokens": "12"},
    {"completion_tokens": True},
    {"prompt_tokens": 5, "prompt_tokens_details": {"cached_tokens": 6}},
])
def test_bad_usage_is_refused(usage) -> None:
    with pytest.raises(ValueError, match="tokens"):
        chat_cost("gpt-4.1-mini", usage)
