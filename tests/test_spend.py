"""client.spend: the ledger matches sums worked out by hand from each response's usage.

Prices are written out here from shared/reference/openai-pricing.json (USD per 1M tokens unless
said otherwise), not read from the table, so a wrong table entry fails these tests.
"""

from __future__ import annotations

import asyncio
import io
import wave

import pytest

import lcoai_notebook as lco
from lcoai_notebook import _spend
from lcoai_notebook.emulator import Emulator


def _wav(seconds: float, rate: int = 8000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00" * int(seconds * rate))
    return buf.getvalue()


@pytest.fixture
def client():
    with Emulator().client() as c:
        yield c


def test_chat_cost_is_usage_times_the_price(client) -> None:
    r = client.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": "Name three colours."}])
    p, c = r.usage.prompt_tokens, r.usage.completion_tokens
    assert p > 0 and c > 0
    # gpt-4.1-mini: $0.40 in, $1.60 out.
    expected = p * 0.40 / 1e6 + c * 1.60 / 1e6
    assert client.spend.total_usd == pytest.approx(expected, rel=1e-12)
    assert client.spend.requests == 1
    entry = client.spend.entries[0]
    assert (entry.model, entry.kind, entry.input_tokens, entry.output_tokens) == \
        ("gpt-4.1-mini", "chat", p, c)


def test_embeddings_bill_input_tokens(client) -> None:
    r = client.embeddings.create(model="text-embedding-3-small",
                                 input=["the cat sat on the mat", "dogs bark at night"])
    tokens = r.usage.prompt_tokens
    assert tokens > 0
    # text-embedding-3-small: $0.02 per 1M input tokens.
    assert client.spend.total_usd == pytest.approx(tokens * 0.02 / 1e6, rel=1e-12)


def test_images_cost_per_image_by_size_and_quality(client) -> None:
    client.images.generate(model="dall-e-3", prompt="a lighthouse", size="1024x1792",
                           quality="hd", response_format="b64_json")
    # dall-e-3 hd 1024x1792: $0.12 per image.
    assert client.spend.total_usd == pytest.approx(0.12, rel=1e-12)
    client.images.generate(model="dall-e-2", prompt="a fox", n=3, size="256x256",
                           response_format="b64_json")
    # dall-e-2 256x256: $0.016 each, 3 images = $0.048.
    assert client.spend.total_usd == pytest.approx(0.12 + 0.048, rel=1e-12)
    frame = client.spend.by_model().set_index("model")
    assert frame.loc["dall-e-2", "usd"] == pytest.approx(0.048)
    assert frame.loc["dall-e-3", "requests"] == 1


def test_gpt_image_adds_input_text_tokens(client) -> None:
    r = client.images.generate(model="gpt-image-1", prompt="a red bicycle", size="1024x1536",
                               quality="low")
    text = r.usage.input_tokens_details.text_tokens
    # gpt-image-1 low 1024x1536: $0.016 per image, plus text input at $5.00 per 1M.
    assert client.spend.total_usd == pytest.approx(0.016 + text * 5.0 / 1e6, rel=1e-12)


def test_transcription_per_minute_from_the_response_and_from_the_file(client) -> None:
    audio = _wav(30.0)
    client.audio.transcriptions.create(model="whisper-1", file=("talk.wav", audio, "audio/wav"))
    # whisper-1: $0.006 per minute; 30 s -> $0.003.
    assert client.spend.total_usd == pytest.approx(0.003, rel=1e-9)
    # A plain-text transcript carries no duration: the WAV header's 30 s are used.
    text = client.audio.transcriptions.create(model="whisper-1", response_format="text",
                                              file=("talk.wav", audio, "audio/wav"))
    assert isinstance(text, str)
    assert client.spend.total_usd == pytest.approx(0.006, rel=1e-9)


def test_token_billed_transcription(client) -> None:
    r = client.audio.transcriptions.create(model="gpt-4o-transcribe",
                                           file=("talk.wav", _wav(12.0), "audio/wav"))
    u = r.usage
    audio, text = u.input_token_details.audio_tokens, u.input_token_details.text_tokens
    # gpt-4o-transcribe: audio input $6.00, text input $2.50, output $10.00 per 1M.
    expected = (audio * 6.0 + text * 2.5 + u.output_tokens * 10.0) / 1e6
    assert expected > 0
    assert client.spend.total_usd == pytest.approx(expected, rel=1e-12)


def test_speech_per_character_and_free_moderation(client) -> None:
    line = "Hello from the workshop."
    client.audio.speech.create(model="tts-1", input=line, voice="alloy")
    # tts-1: $15.00 per 1M characters.
    assert client.spend.total_usd == pytest.approx(len(line) * 15.0 / 1e6, rel=1e-12)
    client.moderations.create(input="a kind word")
    assert client.spend.requests == 2
    assert client.spend.unknown == 0


def test_stream_cost_comes_from_its_last_chunk(client) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello."}], stream=True,
        stream_options={"include_usage": True})
    chunks = list(stream)
    usage = chunks[-1].usage
    # gpt-4o-mini: $0.15 in, $0.60 out.
    expected = usage.prompt_tokens * 0.15 / 1e6 + usage.completion_tokens * 0.60 / 1e6
    assert client.spend.total_usd == pytest.approx(expected, rel=1e-12)


def test_a_stream_without_usage_is_unknown_not_guessed(client) -> None:
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello."}], stream=True)
    list(stream)
    assert client.spend.requests == 1
    assert client.spend.unknown == 1
    assert client.spend.total_usd == 0.0
    assert client.spend.entries[0].usd is None
    assert "1 of unknown cost" in client.spend.summary()


def test_unpriced_model_is_counted_with_unknown_cost(client) -> None:
    client.chat.completions.create(model="gpt-5.4-mini",
                                   messages=[{"role": "user", "content": "hi"}])
    frame = client.spend.by_model()
    assert list(frame.columns) == ["model", "requests", "input_tokens", "cached_tokens",
                                   "output_tokens", "usd", "unknown_cost"]
    row = frame.iloc[0]
    assert (row["model"], row["requests"], row["unknown_cost"], row["usd"]) == \
        ("gpt-5.4-mini", 1, 1, 0.0)
    assert row["input_tokens"] > 0


def test_free_calls_are_not_billable(client) -> None:
    client.models.list()
    client.files.list()
    assert client.spend.requests == 0


def test_clones_share_the_ledger_and_listeners_hear_each_request(client) -> None:
    heard = []
    client.spend.add_listener(lambda spend: heard.append(spend.requests))
    clone = client.with_options(max_retries=0)
    assert clone.spend is client.spend
    clone.embeddings.create(model="text-embedding-3-small", input="one")
    client.embeddings.create(model="text-embedding-3-small", input="two")
    assert heard == [1, 2]


def test_async_client_keeps_the_same_ledger() -> None:
    emu = Emulator()

    async def main() -> float:
        async with emu.async_client() as ac:
            r = await ac.chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "hi"}])
            # gpt-4.1: $2.00 in, $8.00 out.
            assert ac.spend.total_usd == pytest.approx(
                r.usage.prompt_tokens * 2.0 / 1e6 + r.usage.completion_tokens * 8.0 / 1e6)
            stream = await ac.chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "hi"}], stream=True,
                stream_options={"include_usage": True})
            async for _ in stream:
                pass
            return ac.spend.requests

    assert asyncio.run(main()) == 2


def test_offline_connect_labels_figures_simulated(capsys) -> None:
    client = lco.connect()
    assert client.spend.simulated is True
    client.embeddings.create(model="text-embedding-3-small", input="x")
    assert client.spend.summary().endswith("· simulated")
    assert client.spend.by_model().attrs["simulated"] is True
    live = Emulator().client()  # a client built directly is not labelled
    assert live.spend.simulated is False


def test_wav_header_duration() -> None:
    assert _spend.wav_seconds(_wav(2.5)) == pytest.approx(2.5)
    assert _spend.wav_seconds(b"ID3 not a wav") is None


def test_batch_fine_tuned_and_unpriced_prices() -> None:
    from lcoai_notebook import _pricing

    usage = {"prompt_tokens": 1000, "completion_tokens": 500}
    # Batch API: half of 1000 * 0.40 + 500 * 1.60 per 1M = $0.0006.
    assert _pricing.batch_cost("gpt-4.1-mini", usage) == pytest.approx(0.0006)
    # Embeddings have their own batch rate: text-embedding-3-large $0.065 per 1M.
    assert _pricing.batch_cost("text-embedding-3-large", {"prompt_tokens": 2000}) == \
        pytest.approx(2000 * 0.065 / 1e6)
    assert _pricing.batch_cost("text-embedding-ada-002", {"prompt_tokens": 1}) is None
    # A fine-tuned gpt-4o-mini-2024-07-18: $0.30 in, $0.15 cached, $1.20 out.
    ft = "ft:gpt-4o-mini-2024-07-18:org::abc123"
    assert _pricing.chat_cost(ft, usage) == pytest.approx((1000 * 0.3 + 500 * 1.2) / 1e6)
    assert _pricing.price_note("gpt-5.4") and "unknown" in _pricing.price_note("gpt-5.4")
    assert _pricing.price_note("gpt-4o") is None
    assert _pricing.prices_as_of() == "2026-08-21"
    assert _pricing.speech_cost("gpt-4o-mini-tts", "hello") is None  # token-billed, no counts
