"""Typical user code, checked by pyright (tests/test_pyright.py); never run by pytest.

The README's Python blocks and the notebooks' usual calls, written as a user would. pyright must
report 0 errors here, and the ``assert_type`` lines pin what an editor infers, so a change that
loses a return annotation (back to ``Any``) fails the check too.
"""

from __future__ import annotations

import numpy as np
from typing_extensions import assert_type

import lcoai_notebook as lco
from lcoai_notebook._models import (
    ChatCompletion,
    ChatCompletionChunk,
    CreateEmbeddingResponse,
    ImagesResponse,
    ModerationResponse,
    SpeechResponse,
    Transcription,
)
from lcoai_notebook._sse import Stream


def readme_quickstart() -> None:
    client = lco.connect()
    reply = client.chat.completions.create(
        model="gpt-5.4-mini",
        messages=[{"role": "user", "content": "Name three uses of embeddings."}],
        seed=7,
    )
    assert_type(reply, ChatCompletion)
    content = reply.choices[0].message.content
    assert_type(content, "str | None")
    print(content)
    print(reply.text, reply.usage.total_tokens if reply.usage else 0)

    stream = client.chat.completions.create(model="gpt-5.4-mini", stream=True,
                                            messages=[{"role": "user", "content": "Hi!"}])
    assert_type(stream, Stream[ChatCompletionChunk])
    for chunk in stream:
        if chunk.choices:
            print(chunk.choices[0].delta.content or "", end="")
    print()

    vectors = lco.embed(["a cat on a mat", "a kitten asleep", "quarterly earnings"])
    lco.plot_similarity(lco.cosine_similarity(vectors), labels=["cat", "kitten", "earnings"])
    lco.plot_similarity(["a cat on a mat", "a kitten asleep"])


def readme_emulator() -> None:
    from lcoai_notebook.emulator import Emulator

    with Emulator() as emu:
        client = emu.client()
        print(client.models.list())


def notebook_calls(client: lco.Client) -> None:
    history = [{"role": "system", "content": "Be brief."},
               {"role": "user", "content": "What is 2 + 2?"}]
    short = client.chat.completions.create(
        model="gpt-4o-mini", messages=history, temperature=0.2, max_completion_tokens=50,
        response_format={"type": "json_object"}, stop=["\n\n"], n=1,
        extra_headers={"X-Trace": "1"}, timeout=30,
    )
    message = short.choices[0].message
    if message.tool_calls:
        print(message.tool_calls[0].function.arguments)
    streaming: bool = len(history) > 5
    either = client.chat.completions.create(model="gpt-4o-mini", messages=history,
                                            stream=streaming)
    print(either)

    embedded = client.embeddings.create(model="text-embedding-3-small", input=["a", "b"])
    assert_type(embedded, CreateEmbeddingResponse)
    matrix = embedded.to_numpy()
    print(matrix.shape, embedded.data[0].index, embedded.usage.total_tokens)

    images = client.images.generate(model="gpt-image-1-mini", prompt="a red square",
                                    size="1024x1024")
    assert_type(images, ImagesResponse)
    print(images.data[0].b64_json)

    with open("talk.wav", "rb") as fh:
        transcript = client.audio.transcriptions.create(model="whisper-1", file=fh)
    assert_type(transcript, Transcription)
    print(transcript.text)
    srt = client.audio.transcriptions.create(model="whisper-1", file="talk.wav",
                                             response_format="srt")
    assert_type(srt, str)
    english = client.audio.translations.create(model="whisper-1", file="talk.wav")
    print(english.text)
    speech = client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy", input="Hello")
    assert_type(speech, SpeechResponse)
    speech.write_to_file("hello.mp3")

    moderation = client.moderations.create(input="I love puppies")
    assert_type(moderation, ModerationResponse)
    print(moderation.flagged, moderation.results[0].categories)


def helpers(client: lco.Client) -> None:
    texts = ["a cat on a mat", "a kitten asleep", "quarterly earnings", "stock prices"]
    vectors = lco.embed(texts, client=client, model="text-embedding-3-small")
    sims = lco.cosine_similarity(vectors)
    scores, indices = lco.top_k(vectors[:1], vectors, k=2)
    print(np.round(sims, 2), scores, indices)
    print(lco.search("a small cat", texts, k=2, client=client))
    ax = lco.plot_similarity(sims, labels=[t[:24] for t in texts])
    ax2 = lco.plot_embeddings(vectors, labels=[t[:20] for t in texts], color=[0, 0, 1, 1])
    print(ax, ax2)


def panels(client: lco.Client) -> None:
    chat = lco.ChatPanel(client=client, model="gpt-4o-mini")
    gallery = lco.ImageGallery(client=client)
    audio = lco.AudioPanel(client=client)
    checker = lco.ModerationChecker(client=client)
    explorer = lco.EmbeddingExplorer(client=client, texts=["a", "b"])
    print(chat, gallery, audio, checker, explorer)
