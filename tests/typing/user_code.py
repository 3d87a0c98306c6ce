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
    Batch,
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionDeleted,
    ChatCompletionStoreMessage,
    CreateEmbeddingResponse,
    FileDeleted,
    FileObject,
    FineTuningJob,
    FineTuningJobEvent,
    ImagesResponse,
    Model,
    ModelList,
    ModerationResponse,
    Response,
    ResponseDeleted,
    ResponseItem,
    ResponseStreamEvent,
    SpeechResponse,
    Transcription,
    Upload,
    UploadPart,
)
from lcoai_notebook._pagination import SyncPage
from lcoai_notebook._sse import Stream
from lcoai_notebook.api.batches import BatchResults
from lcoai_notebook.api.files import FileContent
from lcoai_notebook.api.responses import ResponseStream


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


def resource_calls(client: lco.Client) -> None:
    models = client.models.list()
    assert_type(models, ModelList)
    for model in models:
        assert_type(model, Model)
        print(model.id, model.owned_by)
    assert_type(models[0], Model)
    assert_type(client.models.retrieve("gpt-4o-mini"), Model)

    uploaded = client.files.create(file=("train.jsonl", b"{}\n"), purpose="fine-tune")
    assert_type(uploaded, FileObject)
    assert_type(uploaded.bytes, int)
    files = client.files.list(purpose="batch", limit=10, order="desc")
    assert_type(files, SyncPage[FileObject])
    for f in files:
        assert_type(f, FileObject)
    assert_type(client.files.content(uploaded.id), FileContent)
    assert_type(client.files.delete(uploaded.id), FileDeleted)

    job = client.fine_tuning.jobs.create(model="gpt-4.1-mini-2025-04-14",
                                         training_file=uploaded.id, suffix="demo")
    assert_type(job, FineTuningJob)
    assert_type(job.fine_tuned_model, "str | None")
    assert_type(client.fine_tuning.jobs.wait(job.id, progress=False), FineTuningJob)
    for event in client.fine_tuning.jobs.list_events(job.id, limit=5):
        assert_type(event, FineTuningJobEvent)
        print(event.message)

    batch = client.batches.retrieve("batch_abc")
    assert_type(batch, Batch)
    print(batch.status, batch.request_counts.total if batch.request_counts else 0)
    assert_type(client.batches.create(input_file_id=uploaded.id, endpoint="/v1/embeddings"),
                Batch)
    results = client.batches.run([{"model": "text-embedding-3-small", "input": "a"}],
                                 endpoint="/v1/embeddings")
    assert_type(results, BatchResults)

    upload = client.uploads.create(bytes=3, filename="a.txt", mime_type="text/plain",
                                   purpose="assistants")
    assert_type(upload, Upload)
    part = client.uploads.parts.create(upload.id, data=b"abc")
    assert_type(part, UploadPart)
    done = client.uploads.complete(upload.id, part_ids=[part.id])
    assert_type(done.file, "FileObject | None")

    stored = client.chat.completions.retrieve("chatcmpl-1")
    assert_type(stored, ChatCompletion)
    assert_type(client.chat.completions.list(metadata={"lesson": "1"}), SyncPage[ChatCompletion])
    for message in client.chat.completions.messages.list("chatcmpl-1"):
        assert_type(message, ChatCompletionStoreMessage)
    assert_type(client.chat.completions.delete("chatcmpl-1"), ChatCompletionDeleted)


def responses_calls(client: lco.Client) -> None:
    resp = client.responses.create(model="gpt-5-mini", input="Hi", reasoning={"effort": "low"})
    assert_type(resp, Response)
    print(resp.output_text)
    stream = client.responses.create(model="gpt-5-mini", input="Hi", stream=True)
    assert_type(stream, ResponseStream)
    for event in stream:
        assert_type(event, ResponseStreamEvent)
    with client.responses.stream(model="gpt-5-mini", input="Hi") as s:
        print(s.get_final_response())
    assert_type(client.responses.retrieve(resp.id), Response)
    assert_type(client.responses.retrieve(resp.id, stream=True), ResponseStream)
    for item in client.responses.input_items.list(resp.id, order="asc"):
        assert_type(item, ResponseItem)
    assert_type(client.responses.delete(resp.id), ResponseDeleted)


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


def workshop_relay() -> None:
    # The host (notebook 08), then a learner.
    from lcoai_notebook.relay import Relay

    relay = Relay(upstream="http://127.0.0.1:8000/openai", api_token="at_x", seats=3,
                  per_seat_usd=0.5, budget_usd=2.0, db="relay.sqlite", port=0,
                  prices={"gpt-5.4-mini": {"input": 1.0, "output": 2.0}})
    assert_type(relay.start(), Relay)
    assert_type(relay.url, str)
    assert_type(relay.seat_codes, dict[str, str])
    print(relay.spend()["spent_usd"].sum(), relay.admin_url)
    learner = lco.connect(relay=relay.url, seat=relay.seat_codes["seat-01"])
    assert_type(learner, lco.Client)
    try:
        learner.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])
    except lco.SeatBudgetExceededError as exc:
        print(exc.code, exc.status_code)
    relay.close()
