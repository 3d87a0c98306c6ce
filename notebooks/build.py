"""Build and execute the example notebooks.

The notebooks are the documentation, so their source lives here as plain Python data, reviewed like
code; ``python notebooks/build.py`` writes each ``.ipynb`` and executes it offline (against the
emulator) so the committed outputs are exactly what ``pytest --nbval`` will compare.
Cells whose output is inherently variable carry the ``nbval-ignore-output`` tag, and say why.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).parent


def md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip())


def code(src: str, *, ignore_output: str | None = None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(src.strip())
    if ignore_output:
        cell.metadata["tags"] = ["nbval-ignore-output"]
        cell.source = f"# nbval-ignore-output: {ignore_output}\n" + cell.source
    return cell


NOTEBOOKS: dict[str, list[nbformat.NotebookNode]] = {}

NOTEBOOKS["01-quickstart.ipynb"] = [
    md("""
# Quickstart: chat with a model from a notebook

`lco.connect()` gives you a client. With a LowCodeAPI token in `LCOAI_API_TOKEN` it talks to the
real service; without one it starts the **offline emulator** and says so. Everything below runs
unchanged either way, and the notebook never reads or prints your token.
"""),
    code("""
import lcoai_notebook as lco

client = lco.connect()
"""),
    md("""
## Ask a question

The method names are the ones in OpenAI's documentation. In a notebook the reply renders as
Markdown — safely: raw HTML in a reply is shown as text, never run.
"""),
    code("""
reply = client.chat.completions.create(
    model="gpt-5.4-mini",
    messages=[
        {"role": "system", "content": "You are a concise teaching assistant."},
        {"role": "user", "content": "Why do people compare embeddings with cosine similarity?"},
    ],
)
print(reply.choices[0].message.content)
print(reply.usage.total_tokens, "tokens;", "finished because:", reply.choices[0].finish_reason)
"""),
    md("""
Left as the last expression of a cell, a reply shows itself: the text rendered as Markdown (with
any raw HTML in it shown as text, never run), the finish reason and the token count.
"""),
    code("""
reply
"""),
    md("""
Results allow attribute access, item access and `.to_dict()`, so they drop straight into your own
code:
"""),
    code("""
reply["choices"][0]["message"]["role"], sorted(reply.to_dict())
"""),
    md("""
## Stream the answer as it is written

`stream=True` returns an iterable of chunks. (LowCodeAPI may deliver a stream all at once rather
than piece by piece; the client reads both the same way.)
"""),
    code("""
stream = client.chat.completions.create(
    model="gpt-5.4-mini",
    messages=[{"role": "user", "content": "Give me a one-line tip for writing prompts."}],
    stream=True,
)
with stream:
    for chunk in stream:
        if chunk.choices:
            print(chunk.choices[0].delta.content or "", end="")
print()
"""),
    md("""
## Control the output

`max_completion_tokens` cuts the reply short (`finish_reason` becomes `"length"`), `n` asks for
several alternatives, and JSON mode returns a JSON object you can parse.
"""),
    code("""
import json

short = client.chat.completions.create(
    model="gpt-5.4-mini", max_completion_tokens=8,
    messages=[{"role": "user", "content": "Describe the ocean at length."}],
)
print(repr(short.choices[0].message.content), short.choices[0].finish_reason)

several = client.chat.completions.create(
    model="gpt-5.4-mini", n=3,
    messages=[{"role": "user", "content": "Suggest a name for a cat."}],
)
for choice in several.choices:
    print(choice.index, choice.message.content[:60])

as_json = client.chat.completions.create(
    model="gpt-5.4-mini", response_format={"type": "json_object"},
    messages=[{"role": "user", "content": "Return a JSON object describing a book."}],
)
json.loads(as_json.choices[0].message.content)
"""),
    md("""
## Which models are there?

`models.list()` returns every model the account can use; a DataFrame makes it easy to scan.
"""),
    code("""
import pandas as pd

models = pd.DataFrame([m.to_dict() for m in client.models.list()])
models[models["id"].str.startswith("gpt-5")][["id", "owned_by"]].reset_index(drop=True)
"""),
    md("""
## Mistakes are caught early, and failures are typed

Bad arguments raise a `ValueError` naming the parameter and the accepted values, *before* anything
is sent. Errors from the service raise a class you can catch; the message is the service's own.
"""),
    code("""
try:
    client.chat.completions.create(model="gpt-5.4-mini", n=0,
                                   messages=[{"role": "user", "content": "hi"}])
except ValueError as exc:
    print("ValueError:", exc)

try:
    client.chat.completions.create(model="no-such-model",
                                   messages=[{"role": "user", "content": "hi"}])
except lco.NotFoundError as exc:
    print(type(exc).__name__, exc.status_code, "-", exc.message)
"""),
]

NOTEBOOKS["02-embeddings.ipynb"] = [
    md("""
# Embeddings: how texts relate

`lco.embed` turns texts into a numpy matrix — one row per text, float32 — and the helpers next to
it answer the usual questions: which texts are alike, what is nearest to a query, and what does
the whole collection look like.
"""),
    code("""
import numpy as np

import lcoai_notebook as lco

client = lco.connect()
texts = [
    "The cat sleeps on the warm windowsill.",
    "A kitten chases a ball of yarn.",
    "Our cat purrs when it is fed.",
    "Quarterly earnings beat analyst expectations.",
    "The central bank raised interest rates.",
    "Investors moved money into government bonds.",
]
vectors = lco.embed(texts, client=client)
vectors.shape, vectors.dtype
"""),
    md("""
Each row is unit length, so a dot product is the cosine similarity. `plot_similarity` draws the
whole matrix; with a handful of texts it writes the values in.
"""),
    code("""
sims = lco.cosine_similarity(vectors)
print(np.round(sims, 2))
ax = lco.plot_similarity(sims, labels=[t[:22] for t in texts])
"""),
    md("""
## Nearest neighbours

`top_k` returns, for each query, the indices of the closest corpus rows and their scores, best
first. `search` does the same for text and gives a table.
"""),
    code("""
query = lco.embed(["Where is my cat sleeping?"], client=client)
indices, scores = lco.top_k(query, vectors, k=3)
[(texts[i], round(float(s), 3)) for i, s in zip(indices[0], scores[0], strict=True)]
"""),
    code("""
lco.search("bond markets and interest", texts, k=3, client=client)
"""),
    md("""
## The shape of the collection

`plot_embeddings` projects the vectors to two dimensions (PCA by default; t-SNE or UMAP when
scikit-learn or umap-learn are installed) and colours the points by group.
"""),
    code("""
groups = ["cats"] * 3 + ["finance"] * 3
ax = lco.plot_embeddings(vectors, labels=[t[:18] for t in texts], color=groups)
"""),
]

NOTEBOOKS["03-images-audio-moderation.ipynb"] = [
    md("""
# Images, audio and moderation

The other modalities work the same way: one call, a result that shows itself in the notebook.
"""),
    code("""
import io
import wave

import numpy as np
import pandas as pd

import lcoai_notebook as lco

client = lco.connect()
"""),
    md("""
## Generate an image

Ask for `b64_json` and the image travels inside the response; the result displays inline.
"""),
    code("""
images = client.images.generate(
    model="gpt-image-1.5", prompt="a lighthouse at dusk, flat colours",
    size="1024x1024",
)
print(len(images.data), "image,", len(images.data[0].b64_json), "base64 characters")
images
""", ignore_output="the inline PNG data is large; nbval does not compare images anyway"),
    md("""
## Transcribe audio

Any WAV, MP3, FLAC, OGG, M4A or WebM recording works. Here we synthesise three seconds of tone so
the notebook needs no file; `verbose_json` gives timed segments and `srt` a subtitle file.
"""),
    code("""
rate = 16_000
t = np.arange(3 * rate) / rate
tone = (0.3 * np.sin(2 * np.pi * 440 * t) * 32767).astype("<i2")
buffer = io.BytesIO()
with wave.open(buffer, "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(tone.tobytes())
recording = ("tone.wav", buffer.getvalue())

verbose = client.audio.transcriptions.create(
    model="whisper-1", file=recording, response_format="verbose_json",
    timestamp_granularities=["segment"],
)
print("duration:", verbose.duration, "seconds")
pd.DataFrame([s.to_dict() for s in verbose.segments])[["start", "end", "text"]]
"""),
    code("""
print(client.audio.transcriptions.create(model="whisper-1", file=recording, response_format="srt"))
"""),
    md("""
## Speech

`audio.speech.create` returns the audio bytes; in a notebook they play inline.
"""),
    code("""
speech = client.audio.speech.create(model="gpt-4o-mini-tts", voice="alloy",
                                    input="Welcome to the workshop.", response_format="wav")
print(len(speech), "bytes of", speech.content_type)
"""),
    md("""
## Moderation

The moderation endpoint scores text in thirteen categories; a table sorts them for reading.
"""),
    code("""
result = client.moderations.create(
    model="omni-moderation-latest",
    input=["I love my cat.", "I will hurt you and your family."],
)
scores = pd.DataFrame([r.category_scores.to_dict() for r in result.results],
                      index=["friendly", "threatening"]).T
print("flagged:", [r.flagged for r in result.results])
scores.sort_values("threatening", ascending=False).head(5).round(3)
"""),
]

NOTEBOOKS["04-files-batches-fine-tuning.ipynb"] = [
    md("""
# Files, batches, fine-tuning and assistants

The slower APIs: upload a file, hand a large job to the Batch API, fine-tune a model and chat with
it, and let an assistant call a tool. Offline, the emulator runs each job on a short schedule.
"""),
    code("""
import json

import lcoai_notebook as lco

client = lco.connect()
"""),
    md("""
## Hand a batch of requests to the Batch API

`batches.run` writes the JSONL, uploads it, starts the batch, waits (with a progress bar) and
returns the results in the order you gave them.
"""),
    code("""
questions = [f"Summarise fact number {i} about the sea." for i in range(20)]
results = client.batches.run(
    [{"model": "gpt-5.4-mini", "messages": [{"role": "user", "content": q}],
      "max_completion_tokens": 20} for q in questions],
    endpoint="/v1/chat/completions", progress=False,
)
print(len(results), "results")
print(results[0].choices[0].message.content)
"""),
    md("""
## Fine-tune a model

Training data is JSONL of chat examples. `jobs.wait` polls until the job finishes and returns it;
the new `ft:` model is then usable like any other.
"""),
    code("""
examples = [
    {"messages": [{"role": "user", "content": f"What is {i} plus {i}?"},
                  {"role": "assistant", "content": f"{i} plus {i} is {2 * i}."}]}
    for i in range(12)
]
training = client.files.create(
    file=("sums.jsonl", "\\n".join(json.dumps(e) for e in examples).encode()),
    purpose="fine-tune",
)
job = client.fine_tuning.jobs.create(model="gpt-4o-mini-2024-07-18", training_file=training.id,
                                     suffix="sums")
job = client.fine_tuning.jobs.wait(job.id, progress=False)
print(job.status, job.fine_tuned_model.split(":")[0:2], job.trained_tokens is not None)
answer = client.chat.completions.create(
    model=job.fine_tuned_model, messages=[{"role": "user", "content": "What is 7 plus 7?"}])
print(answer.choices[0].message.content)
"""),
    code("""
events = list(client.fine_tuning.jobs.list_events(job.id))
print(len(events), "events; latest:", events[0].message)
"""),
    md("""
## An assistant that calls a tool

When an assistant has a function tool, a run can stop at `requires_action` and wait for your
code to answer the call.
"""),
    code("""
assistant = client.beta.assistants.create(
    model="gpt-5.4-mini", name="Weather helper",
    instructions="Answer weather questions using the get_weather tool.",
    tools=[{"type": "function", "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                       "required": ["city"]}}}],
)
thread = client.beta.threads.create(
    messages=[{"role": "user", "content": "What is the weather in Oslo?"}])
run = client.beta.threads.runs.create(thread_id=thread.id, assistant_id=assistant.id)
run = client.beta.threads.runs.poll(run.id, thread_id=thread.id)
print(run.status)
call = run.required_action.submit_tool_outputs.tool_calls[0]
print(call.function.name, json.loads(call.function.arguments))
run = client.beta.threads.runs.submit_tool_outputs(
    run.id, thread_id=thread.id,
    tool_outputs=[{"tool_call_id": call.id, "output": "Sunny, 18 degrees"}])
run = client.beta.threads.runs.poll(run.id, thread_id=thread.id)
print(run.status)
messages = client.beta.threads.messages.list(thread_id=thread.id, order="desc")
print(next(iter(messages)).content[0].text.value[:80])
"""),
]


def build(names: list[str] | None = None, execute: bool = True) -> None:
    env_backup = dict(os.environ)
    # No token, whatever the machine has set: the committed outputs come from the emulator,
    # exactly as a new user (and CI) sees them.
    for key in list(os.environ):
        if key.startswith(("LCOAI_", "OPENAI_")):
            del os.environ[key]
    try:
        for name, cells in NOTEBOOKS.items():
            if names and name not in names:
                continue
            nb = nbformat.v4.new_notebook()
            nb.cells = cells
            nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                         "language": "python"}
            nb.metadata["language_info"] = {"name": "python"}
            if execute:
                NotebookClient(nb, timeout=600, kernel_name="python3",
                               resources={"metadata": {"path": str(HERE)}},
                               store_widget_state=False, record_timing=False).execute()
            for i, cell in enumerate(nb.cells):
                cell["id"] = f"{name[:2]}-{i:02d}"  # stable ids keep diffs small
            nbformat.write(nb, HERE / name)
            print("wrote", name)
    finally:
        os.environ.clear()
        os.environ.update(env_backup)


if __name__ == "__main__":
    build(sys.argv[1:] or None)
