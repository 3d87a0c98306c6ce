"""Build and execute the example notebooks.

The notebooks are the workshop material, so their source lives here as plain Python data, reviewed
like code; ``python notebooks/build.py [NAME ...]`` writes each ``.ipynb`` and executes it offline
(against the emulator) so the committed outputs are exactly what ``pytest --nbval`` compares.
Cells whose output is inherently variable carry the ``nbval-ignore-output`` tag and say why.

Rules every notebook follows (tests/test_notebooks.py checks the mechanical ones):
the first code cell is ``client = lco.connect()``; no cell reads a token; one story top to bottom
with prose between cells; current models only; chat calls pass ``seed=`` so live runs repeat as
far as the service allows; what the prose promises, the cell output shows.
"""

from __future__ import annotations

import os
import sys
import time
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
        if cell.source.startswith("%%"):
            # A cell magic must stay on the first line: the reason goes in the cell's metadata.
            cell.metadata["nbval-ignore-output-reason"] = ignore_output
        else:
            cell.source = f"# nbval-ignore-output: {ignore_output}\n" + cell.source
    return cell


#: Why a %%chat cell's output is not compared.
STREAMED_DISPLAY = ("the reply streams into one display that is updated in place; nbval does not "
                    "apply display updates")

CONNECT = """
import lcoai_notebook as lco

client = lco.connect()
"""

NOTEBOOKS: dict[str, list[nbformat.NotebookNode]] = {}

# ------------------------------------------------------------------------------------------------
NOTEBOOKS["01-quickstart.ipynb"] = [
    md("""
# Quickstart: talk to a model from a notebook

`lco.connect()` gives you a client. With a LowCodeAPI token in the environment it talks to the
real service; without one it answers from the **built-in emulator** and prints a one-line notice
saying so. Everything below runs unchanged either way, and the notebook never reads or prints
your token.
"""),
    code(CONNECT),
    md("""
## Ask a question

The method names are the ones in OpenAI's documentation. `seed` asks the service to repeat its
answer for the same request (as far as it can), which keeps re-runs comparable.
"""),
    code("""
reply = client.chat.completions.create(
    model="gpt-5.4-mini",
    messages=[
        {"role": "system", "content": "You are a concise teaching assistant."},
        {"role": "user", "content": "Why do people compare embeddings with cosine similarity?"},
    ],
    seed=7,
)
print(reply.choices[0].message.content)
print(reply.usage.total_tokens, "tokens; finished because:", reply.choices[0].finish_reason)
"""),
    md("""
Left as the last expression of a cell, a reply shows itself: the text rendered as Markdown (raw
HTML in a reply is shown as text, never run), the finish reason and the token count.
"""),
    code("""
reply
"""),
    md("""
Results allow attribute access, item access and `.to_dict()`, so they drop straight into your
own code:
"""),
    code("""
reply["choices"][0]["message"]["role"], sorted(reply.to_dict())
"""),
    md("""
## Stream the answer as it is written

`stream=True` returns an iterable of chunks; print each piece as it arrives. (LowCodeAPI may
deliver a stream all at once rather than piece by piece; the client reads both the same way.)
"""),
    code("""
stream = client.chat.completions.create(
    model="gpt-5.4-mini",
    messages=[{"role": "user", "content": "Give me a one-line tip for writing prompts."}],
    stream=True,
    seed=7,
)
with stream:
    for chunk in stream:
        if chunk.choices:
            print(chunk.choices[0].delta.content or "", end="")
print()
"""),
    md("""
## Control the length

`max_completion_tokens` caps the reply; when the cap cuts it short, `finish_reason` says
`"length"`.
"""),
    code("""
short = client.chat.completions.create(
    model="gpt-5.4-mini",
    messages=[{"role": "user", "content": "Describe the ocean at length."}],
    max_completion_tokens=16,
    seed=7,
)
print(repr(short.choices[0].message.content))
print("finished because:", short.choices[0].finish_reason)
"""),
    md("""
## What an error looks like

Two kinds of mistakes, two kinds of errors:

- **Caught before sending.** A bad argument raises `ValueError` (or `TypeError`) naming the
  parameter and the values it accepts; no request is made, so it costs nothing.
- **Reported by the service.** A model id that does not exist comes back as a typed error you
  can catch, here `lco.NotFoundError`, with the HTTP status and the service's own message.
"""),
    code("""
try:
    client.chat.completions.create(
        model="gpt-5.4-mini", n=0, messages=[{"role": "user", "content": "hi"}])
except ValueError as exc:
    print("ValueError:", exc)
"""),
    code("""
try:
    client.chat.completions.create(
        model="gpt-no-such-model", messages=[{"role": "user", "content": "hi"}], seed=7)
except lco.NotFoundError as exc:
    print(type(exc).__name__, exc.status_code)
    print(exc.message)
"""),
    md("""
Every error the service returns is an `lco.APIError`, so `except lco.APIError` catches them all;
the notebooks that follow show the panels, embeddings, images, audio, moderation and the slower
APIs.
"""),
]

# ------------------------------------------------------------------------------------------------
NOTEBOOKS["02-chat-panel.ipynb"] = [
    md("""
# The chat panel, side-by-side models, and chat in a cell

`lco.ChatPanel` is a chat box in the notebook: pick a model, type, press Enter, watch the reply
stream in. Every button has a Python twin (`send`, `regenerate`, `undo`, `clear`, `export`,
`load`), so what you do by hand you can also script, and this notebook drives it from code.
"""),
    code(CONNECT),
    md("""
## Show the panel

Type into the box at the bottom and press **Enter** (Shift+Enter adds a line). While a reply is
streaming, **Stop** keeps the part written so far. Where widgets cannot run (a terminal, a
notebook viewer), the panel shows as a short plain-text summary instead.
"""),
    code("""
chat = lco.ChatPanel(client=client, model="gpt-5.4-mini",
                     system="You are a concise teaching assistant.")
chat
"""),
    md("""
## Drive it from code

`chat.send(text)` does what typing and pressing Enter does: the message and the reply appear in
the panel above, and the reply comes back as a string.
"""),
    code("""
answer = chat.send("What is an embedding, in two sentences?")
print(answer)
"""),
    code("""
print(chat.send("And what is it good for?"))
"""),
    md("""
## The conversation so far

`chat.history` is the conversation as OpenAI-style message dicts (the system prompt first), ready
to pass to `client.chat.completions.create(messages=...)` or to look at as a table.
"""),
    code("""
import pandas as pd

pd.DataFrame(chat.history)[["role", "content"]]
"""),
    md("""
`chat.usage` adds up the tokens of every reply in this panel:
"""),
    code("""
chat.usage
"""),
    md("""
## Save and reload

`export` writes Markdown for a `.md` file (to paste into notes) and JSON otherwise; a JSON file
can be loaded into a new panel to carry on where you left off. The **Export** and **Load**
buttons do the same with the file name in the panel.
"""),
    code("""
import tempfile
from pathlib import Path

folder = Path(tempfile.mkdtemp())
print(chat.export(folder / "chat.md").read_text())
"""),
    code("""
chat.export(folder / "chat.json")
again = lco.ChatPanel(client=client)
again.load(folder / "chat.json")
print(len(again.history), "messages loaded; model:", again.model)
print(again.history[-1]["content"])
"""),
    md("""
## Two models side by side

`lco.ComparePanel` sends one prompt to several models at once; their replies stream side by side
with the time each took, its tokens and its cost (when the model table has a price). Mark the
better answer with its button, or with `mark(model)`. `compare()` is the twin of pressing Enter
and returns a table.
"""),
    code("""
compare = lco.ComparePanel(models=["gpt-5.4-mini", "gpt-4.1-mini"], client=client)
compare
"""),
    code("""
table = compare.compare("Explain what a vector database is, in two sentences.", seed=7)
compare.mark("gpt-4.1-mini")
compare.results[["model", "reply", "tokens", "cost", "better"]]
"""),
    md("""
## Chat in a cell: the `%%chat` magic

`%load_ext lcoai_notebook` adds cell magics: the body of a `%%chat` cell is the prompt and the
reply streams into the output (rendered as inert Markdown). Consecutive `%%chat` cells continue
one conversation; `%chat_reset` starts over; `%%embed VAR` embeds one text per line into `VAR`.
"""),
    code("""
%load_ext lcoai_notebook
"""),
    code("""
%%chat --model gpt-4.1-mini
My name is Ada. What is a good first exercise for a prompt-engineering workshop?
""", ignore_output=STREAMED_DISPLAY),
    code("""
%%chat --model gpt-4.1-mini
What is my name?
""", ignore_output=STREAMED_DISPLAY),
    code("""
%%embed vectors
a cat on a mat
a kitten asleep
quarterly earnings
"""),
    code("""
vectors.shape, vectors.dtype  # noqa: F821 - `vectors` was made by %%embed above
"""),
    md("""
## The Responses API (OpenAI wire)

OpenAI's newer Responses API is available with `flavor="openai"` (LowCodeAPI does not route it,
and the client says so before sending anything). Here the emulator speaks the plain OpenAI wire;
live, `lco.connect(flavor="openai")` with `OPENAI_API_KEY` set reaches OpenAI itself.
"""),
    code("""
oa = lco.connect(flavor="openai", offline=True)
first = oa.responses.create(model="gpt-4.1-mini", instructions="Answer briefly.",
                            input="Name one use of embeddings.")
print(first.output_text)
follow_up = oa.responses.create(model="gpt-4.1-mini", previous_response_id=first.id,
                                input="And one more?")
print(follow_up.output_text)
"""),
]

# ------------------------------------------------------------------------------------------------
NOTEBOOKS["03-embeddings-and-similarity.ipynb"] = [
    md("""
# Embeddings and similarity

`lco.embed` turns texts into a numpy matrix, one row per text, float32. The helpers next to it
answer the usual questions: which texts are alike (a heatmap), what the collection looks like
(a 2-D map), and what is nearest to a query (`search`). At the end, `lco.EmbeddingExplorer`
puts all three in one panel.
"""),
    code(CONNECT),
    code("""
import numpy as np

texts = [
    "The cat sleeps on the warm windowsill.",
    "A kitten chases a ball of yarn.",
    "Our cat purrs when it is fed.",
    "Quarterly earnings beat analyst expectations.",
    "The central bank raised interest rates.",
    "Investors moved money into government bonds.",
]
vectors = lco.embed(texts, client=client, model="text-embedding-3-small")
vectors.shape, vectors.dtype
"""),
    md("""
## Which texts are alike: a heatmap

Rows are unit length, so a dot product is the cosine similarity: 1 for the same direction, near
0 for unrelated texts. `lco.cosine_similarity` gives the whole matrix and `plot_similarity`
draws it, with the values written in.
"""),
    code("""
sims = lco.cosine_similarity(vectors)
print(np.round(sims, 2))
ax = lco.plot_similarity(sims, labels=[t[:24] for t in texts])
"""),
    md("""
## The shape of the collection: a 2-D map

`plot_embeddings` projects the vectors to two dimensions (PCA by default) and colours the points
by group: texts about the same thing land near each other.
"""),
    code("""
groups = ["cats"] * 3 + ["finance"] * 3
ax = lco.plot_embeddings(vectors, labels=[t[:20] for t in texts], color=groups)
"""),
    md("""
## What is nearest to a query

`lco.search` embeds the query and ranks the texts by cosine similarity, best first. Pass the
vectors you already have (with `texts=` as labels) so the corpus is not embedded again.
"""),
    code("""
lco.search("Where is my cat sleeping?", vectors, k=3, texts=texts, client=client).round(3)
"""),
    code("""
lco.search("bond markets and interest", vectors, k=3, texts=texts, client=client).round(3)
"""),
    md("""
## All of it in one panel: the explorer

`lco.EmbeddingExplorer` holds a set of texts with their vectors and shows the map, the heatmap
and a search box. Type texts in and click **Add**, or type a query and click **Search**.
"""),
    code("""
explorer = lco.EmbeddingExplorer(client=client, texts=texts)
explorer
"""),
    md("""
Its twins do the same from code: `add_texts` embeds new texts (skipping ones it already has),
updates the pictures and returns how many texts the explorer now holds; `query` returns the
nearest texts as a table.
"""),
    code("""
explorer.add_texts([
    "A puppy naps after a long walk.",
    "Stock markets fell after the announcement.",
    "The dog barks at the postman.",
])
"""),
    code("""
explorer.query("pets that sleep a lot", k=4).round(3)
"""),
]

# ------------------------------------------------------------------------------------------------
NOTEBOOKS["04-images.ipynb"] = [
    md("""
# Images

Generate an image with one call, then keep a collection of them in `lco.ImageGallery`.
"""),
    code(CONNECT),
    md("""
## Generate an image

`gpt-image-1-mini` returns the picture inside the response as base64 PNG; left as the last
expression of a cell, the response shows the image.
"""),
    code("""
images = client.images.generate(
    model="gpt-image-1-mini",
    prompt="a lighthouse at dusk, flat colours",
    size="1024x1024",
    quality="low",
)
images
""", ignore_output="the PNG's compressed bytes depend on the zlib build that encoded them"),
    md("""
The bytes are a PNG file; its header gives the size, and saving it lets you use the image
elsewhere:
"""),
    code("""
import base64
import struct
import tempfile
from pathlib import Path

png = base64.b64decode(images.data[0].b64_json)
width, height = struct.unpack(">II", png[16:24])  # from the PNG's IHDR chunk
path = Path(tempfile.mkdtemp()) / "lighthouse.png"
path.write_bytes(png)
print(len(images.data), "image:", png[1:4].decode(), f"{width}x{height},", path.name, "saved")
"""),
    md("""
## The gallery

`lco.ImageGallery` has a prompt box, a model picker and size/quality controls; each **Generate**
adds the new images to the front of the grid. Click an image to enlarge it, and save the
selection to a folder.
"""),
    code("""
gallery = lco.ImageGallery(client=client)
gallery
"""),
    md("""
`gallery.generate(prompt, ...)` is the twin of the Generate button: the images appear in the grid
above and come back as a list, each with its bytes, prompt and settings.
"""),
    code("""
gallery.generate("a paper boat on a pond", model="gpt-image-1-mini", size="1024x1024",
                       quality="low")
gallery.generate("a fox reading a book", model="gpt-image-1-mini", size="1024x1024",
                 quality="low")
[(image.prompt, image.format, image.settings["size"]) for image in gallery.images]
"""),
    md("""
`gallery.save(folder)` is the twin of the Save button: it writes the images (all of them, or the
ones named by `which=`) and returns their paths; the file names come from the prompts.
"""),
    code("""
saved = gallery.save(Path(tempfile.mkdtemp()))
[p.name for p in saved]
"""),
]

# ------------------------------------------------------------------------------------------------
NOTEBOOKS["05-audio.ipynb"] = [
    md("""
# Audio: speech, transcripts, subtitles

Make a short clip of speech, play it, turn it back into text (and into English), get subtitles
with timings, then meet the audio panel and the microphone recorder.
"""),
    code(CONNECT),
    md("""
## Text to speech

`audio.speech.create` returns the audio bytes, here as a WAV file.
"""),
    code("""
speech = client.audio.speech.create(
    model="gpt-4o-mini-tts",
    voice="alloy",
    input="Welcome to the workshop. Today we turn speech into text.",
    response_format="wav",
)
print(len(speech), "bytes of", speech.content_type)
"""),
    md("""
Left as the last expression of a cell, the speech shows as an audio player: press play to
listen.
"""),
    code("""
speech
""", ignore_output="audio samples may differ in the last bit between machines"),
    md("""
## Speech to text

Any WAV, MP3, FLAC, OGG, M4A or WebM recording works; a file is a `(name, bytes)` pair or an
open file. Here the clip we just made goes back in.
"""),
    code("""
clip = ("welcome.wav", speech.content)
transcript = client.audio.transcriptions.create(model="whisper-1", file=clip)
print(transcript.text)
"""),
    md("""
`translations.create` transcribes speech in any language straight into English text:
"""),
    code("""
english = client.audio.translations.create(model="whisper-1", file=clip)
print(english.text)
"""),
    md("""
## Timed segments and subtitles

`verbose_json` returns the transcript cut into segments with start and end times; `srt` and
`vtt` return subtitle files ready to put next to a video.
"""),
    code("""
import pandas as pd

verbose = client.audio.transcriptions.create(
    model="whisper-1", file=clip, response_format="verbose_json",
    timestamp_granularities=["segment"],
)
print("duration:", round(verbose.duration, 2), "seconds")
pd.DataFrame([s.to_dict() for s in verbose.segments])[["start", "end", "text"]]
"""),
    code("""
print(client.audio.transcriptions.create(model="whisper-1", file=clip, response_format="srt"))
"""),
    code("""
print(client.audio.transcriptions.create(model="whisper-1", file=clip, response_format="vtt"))
"""),
    md("""
## The audio panel

`lco.AudioPanel` lets you upload or record a clip, play it, and transcribe or translate it with
the format of your choice; srt, vtt and verbose_json results show as a table of segments.
"""),
    code("""
panel = lco.AudioPanel(client=client)
panel
"""),
    md("""
`panel.transcribe(audio, ...)` is the twin of the Transcribe button: the clip becomes the
panel's audio, the transcript appears in the panel and comes back; `panel.segments` holds the
timings.
"""),
    code("""
print(panel.transcribe(clip, model="whisper-1", response_format="srt"))
panel.segments
"""),
    md("""
## Record from the microphone

`lco.AudioRecorder` is a Record/Stop button. In JupyterLab or Notebook, click **Record**: the
browser asks once for permission to use the microphone, records in the page, and on **Stop** sends
the recording to Python as `recorder.recording` (bytes) with `recorder.filename`. Nothing is
recorded until you click, and the notebook run here only shows the button.
"""),
    code("""
recorder = lco.AudioRecorder()
recorder
"""),
    md("""
After a recording, transcribe it like any file, with
`file=(recorder.filename, recorder.recording)` in `client.audio.transcriptions.create`, or pass
`recorder=recorder` to `lco.AudioPanel` to record inside the panel.
"""),
]

# ------------------------------------------------------------------------------------------------
NOTEBOOKS["06-moderation.ipynb"] = [
    md("""
# Moderation

The moderation endpoint scores text in thirteen categories (harassment, hate, violence,
self-harm, ...) and flags what crosses a category's threshold. `lco.ModerationChecker` shows the
scores as a table and a chart; a whole DataFrame column can be checked in one go.
"""),
    code(CONNECT),
    code("""
checker = lco.ModerationChecker(client=client, model="omni-moderation-latest")
checker
"""),
    md("""
## Check a few texts

`checker.check(texts)` is the twin of the Check button: the table and chart in the panel update,
and the result comes back as a DataFrame, one row per text, with `flagged` and a score per
category.
"""),
    code("""
result = checker.check(["I love my cat.", "I will hurt you and your family."])
result[["input", "flagged", "harassment", "violence", "hate"]].round(3)
"""),
    md("""
## A DataFrame of comments, checked in one go

Pass a column; the answers line up with its rows, so flagged comments are one filter away.
"""),
    code("""
import pandas as pd

comments = pd.DataFrame({
    "author": ["ana", "ben", "chloe", "dev", "eli", "fay"],
    "comment": [
        "Great talk, thanks for the slides!",
        "Could you share the notebook link again?",
        "You are a worthless idiot and everyone hates you.",
        "The demo crashed for me, but the retry worked.",
        "Say that again and I will beat you up after the talk.",
        "Lovely example with the cats.",
    ],
})
checked = checker.check(comments["comment"])
categories = checked.columns[2:]
flagged = checked["flagged"].to_numpy()
comments["flagged"] = flagged
# The highest-scoring category says why a comment was flagged.
comments["why"] = checked[categories].idxmax(axis=1).where(flagged, "").to_numpy()
comments["score"] = checked[categories].max(axis=1).round(3).to_numpy()
comments
"""),
    md("""
The flagged rows, for a human to look at (the checker's table above now shows all six, flagged
rows marked):
"""),
    code("""
comments[comments["flagged"]]
"""),
]

# ------------------------------------------------------------------------------------------------
NOTEBOOKS["07-files-fine-tuning-batch.ipynb"] = [
    md("""
# Files, fine-tuning and batches

The slower APIs: upload a file, fine-tune a model on it, wait for the job (with a progress bar),
then chat with the new model; and hand a large embedding job to the Batch API. Live, these take
minutes to hours; offline, the emulator runs each job on a short schedule.
"""),
    code(CONNECT),
    md("""
## Upload training data

Fine-tuning data is JSONL: one chat example per line, each a short conversation showing the
answer we want.
"""),
    code("""
import json

examples = [
    {"messages": [{"role": "user", "content": f"What is {i} plus {i}?"},
                  {"role": "assistant", "content": f"{i} plus {i} is {2 * i}."}]}
    for i in range(12)
]
training = client.files.create(
    file=("sums.jsonl", "\\n".join(json.dumps(e) for e in examples).encode()),
    purpose="fine-tune",
)
print(training.filename, training.purpose, training.bytes, "bytes")
"""),
    md("""
## Start a job and wait for it

`jobs.wait` polls the job until it finishes and shows its status as a progress bar, then returns
the finished job with the name of the new model.
"""),
    code("""
job = client.fine_tuning.jobs.create(
    model="gpt-4o-mini-2024-07-18", training_file=training.id, suffix="sums")
job = client.fine_tuning.jobs.wait(job.id, progress=True)
print(job.status, "-", job.trained_tokens, "trained tokens")
print(job.fine_tuned_model.split(":")[:2])
"""),
    md("""
## Use the fine-tuned model

The `ft:` model is used like any other:
"""),
    code("""
answer = client.chat.completions.create(
    model=job.fine_tuned_model,
    messages=[{"role": "user", "content": "What is 7 plus 7?"}],
    seed=7,
)
print(answer.choices[0].message.content)
"""),
    md("""
## A batch of embeddings

The Batch API runs requests in the background at half the price; results can take up to a day
live. `lco.embed(..., via="batch")` writes the JSONL, uploads it, starts the batch, waits with a
progress bar and returns the vectors in input order, as a direct `embed` would.
"""),
    code("""
texts = [f"Workshop note number {i}: embeddings map text to vectors." for i in range(200)]
vectors = lco.embed(texts, client=client, model="text-embedding-3-small", via="batch",
                    batch_size=50, progress=True)
vectors.shape
"""),
    md("""
The same vectors as the direct route, request for request:
"""),
    code("""
import numpy as np

direct = lco.embed(texts[:5], client=client, model="text-embedding-3-small")
bool(np.allclose(direct, vectors[:5], atol=1e-6))
"""),
]

# ------------------------------------------------------------------------------------------------
NOTEBOOKS["08-for-workshop-hosts.ipynb"] = [
    md("""
# For workshop hosts

How to run a workshop on these notebooks: keeping tokens out of them, running offline, launching
on Binder, and what a session costs.
"""),
    code(CONNECT),
    md("""
## Tokens stay out of notebooks

A notebook is shared, committed and screenshotted, so no notebook should contain a token, read
one, or print one. Two ways to give the kernel a token without writing it down:

1. **The environment.** Set `LCOAI_API_TOKEN=at_...` in the shell *before* starting Jupyter
   (`export LCOAI_API_TOKEN=at_...` then `lcoai-notebook lab`). `lco.connect()` finds it.
2. **A password field.** `lco.connect(prompt=True)` asks for the token in a masked input box when
   none is set; the token is kept in that client's memory only, never printed or saved. Leaving
   the box empty keeps the emulator.

The committed outputs come from an offline run (`LCOAI_OFFLINE=1`, as the test run and Binder
set it), and offline mode wins over the prompt, so the cell below did not ask. Run it with no
token and without `LCOAI_OFFLINE` and it shows the password box. The base URL tells you where
the client talks to: the emulator, or `https://api.lowcodeapi.com/openai` when live.
"""),
    code("""
client = lco.connect(prompt=True)
print(client.base_url)
"""),
    md("""
The client's repr never shows a token, and neither does any error message.
"""),
    code("""
client
"""),
    md("""
## Offline mode

With no token, `lco.connect()` answers from the built-in emulator: the same API, deterministic
simulated answers, no network and no cost. Setting `LCOAI_OFFLINE=1` forces offline mode even
when a token is set, which is useful for rehearsing. Either way the same one-line notice is
printed, once per kernel (see the first cell's output above), and the notebooks' outputs are
identical. `lco.connect(offline=True)` does the same for one client:
"""),
    code("""
emulated = lco.connect(offline=True)
print(emulated.base_url)
"""),
    md("""
## Binder

[![Binder](https://mybinder.org/badge_logo.svg)](https://mybinder.org/v2/gh/lcoai/lcoai-notebook/HEAD?labpath=notebooks%2F01-quickstart.ipynb)

The badge in the README opens these notebooks in JupyterLab on mybinder.org, with nothing to
install. `binder/requirements.txt` installs the package with JupyterLab, and `binder/start`
sets `LCOAI_OFFLINE=1` unless a token was provided, so a Binder session runs on the emulator: a
room full of learners costs nothing and needs no accounts. (Binder sessions are public machines:
do not paste a real token into one.)

## What a session costs

Every chat and embeddings response carries its token `usage`; the model table has each model's
price per million tokens. Multiply and add up. Here is one learner's run through a few
exercises:
"""),
    code("""
import pandas as pd

from lcoai_notebook import _catalog, _pricing

session = []
for question in ["What is an embedding?", "Explain cosine similarity.",
                 "Give three uses of moderation."]:
    reply = client.chat.completions.create(
        model="gpt-4.1-mini", messages=[{"role": "user", "content": question}], seed=7)
    session.append(("gpt-4.1-mini", reply.usage))
embedded = client.embeddings.create(model="text-embedding-3-small",
                                    input=["a cat on a mat", "a kitten asleep"] * 50)
session.append(("text-embedding-3-small", embedded.usage))

costs = pd.DataFrame([
    {"model": model,
     "prompt tokens": usage.prompt_tokens,
     "completion tokens": usage.get("completion_tokens", 0),
     "USD per 1M in": _catalog.model_info(model)["price_per_1m"]["input"],
     "USD": _pricing.chat_cost(model, usage)}
    for model, usage in session
])
costs
"""),
    code("""
per_learner = costs["USD"].sum()
print(f"one learner: ${per_learner:.6f}")
print(f"30 learners, 20 such runs each: ${per_learner * 30 * 20:.4f}")
"""),
    md("""
A model without a published price in the table gives `None` rather than a guess; check the
table before choosing one for a paid workshop:
"""),
    code("""
print(_pricing.price_per_1m("gpt-4.1-mini"))
print(_pricing.price_per_1m("gpt-5.4-mini"))
"""),
    md("""
## A budget, and a meter to watch it

`lco.connect(budget_usd=...)` gives a client a spending limit. Before each request it estimates
the worst case (the prompt's tokens from its text, the reply capped by `max_completion_tokens`
or the model's maximum) and refuses, without sending anything, a request that could pass the
limit. Every client keeps a ledger, `client.spend`; offline its figures are simulated, so a
workshop can rehearse its budget without a token. `lco.CostMeter(client)` shows the spend
against the budget and updates as requests complete.
"""),
    code("""
budgeted = lco.connect(budget_usd=0.10)
meter = lco.CostMeter(budgeted)
meter
"""),
    code("""
reply = budgeted.chat.completions.create(
    model="gpt-4.1-mini", max_completion_tokens=200, seed=7,
    messages=[{"role": "user", "content": "Give me one tip for teaching with notebooks."}])
print(reply.choices[0].message.content)
budgeted.spend.by_model()
"""),
    md("""
A long essay from `gpt-4o` with no length cap could run to 16,384 output tokens, about $0.16 at
its price: more than this $0.10 budget, so it is refused before anything is sent, and the
message says why. A capped request still goes through:
"""),
    code("""
try:
    budgeted.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Write a long essay."}])
except lco.BudgetExceededError as exc:
    print(exc)
budgeted.chat.completions.create(
    model="gpt-4o", max_completion_tokens=300, seed=7,
    messages=[{"role": "user", "content": "Write a short essay."}])
print(f"spent ${budgeted.spend.total_usd:.4f} in {budgeted.spend.requests} requests")
"""),
    md("""
## Record once, replay in the workshop

`lco.connect(record="course.jsonl")` records a live session: every request and response (streams
as their events), with every form of the token removed. `lco.connect(replay="course.jsonl")` then
answers the same requests from the file, with no token and no network, so a workshop on Binder
shows real model output recorded once. Here the emulator, served on this machine, stands in for
the live service while recording:
"""),
    code("""
import tempfile
from pathlib import Path

from lcoai_notebook.emulator import Emulator

cassette = Path(tempfile.mkdtemp()) / "course.jsonl"
with Emulator() as stand_in:  # live: lco.connect(record=...) with your token set
    live = lco.connect(api_token=stand_in.api_token, base_url=stand_in.url, record=cassette,
                       offline=False)  # talk to the stand-in even in offline mode
    live.chat.completions.create(
        model="gpt-4.1-mini", seed=7,
        messages=[{"role": "user", "content": "What is an embedding?"}])
    for _ in live.chat.completions.create(
            model="gpt-4.1-mini", stream=True, seed=7,
            messages=[{"role": "user", "content": "Explain cosine similarity in one sentence."}]):
        pass
    live.close()
print(cassette.name, "holds the session; the token in it?",
      stand_in.api_token in cassette.read_text())
"""),
    code("""
course = lco.connect(replay=cassette)  # no token, no server
print(course.chat.completions.create(
    model="gpt-4.1-mini", seed=7,
    messages=[{"role": "user", "content": "What is an embedding?"}]).choices[0].message.content)
for chunk in course.chat.completions.create(
        model="gpt-4.1-mini", stream=True, seed=7,
        messages=[{"role": "user", "content": "Explain cosine similarity in one sentence."}]):
    if chunk.choices:
        print(chunk.choices[0].delta.content or "", end="")
print()
"""),
    md("""
A request that was not recorded falls through to the emulator, with a one-line notice
(`lco.connect(replay=..., strict=True)` raises instead):
"""),
    code("""
new = course.chat.completions.create(
    model="gpt-4.1-mini", seed=7,
    messages=[{"role": "user", "content": "Something nobody asked before"}])
new.choices[0].finish_reason
"""),
    md("""
## The workshop relay

On Binder every learner's kernel runs on a public machine, so a real token cannot go there. The
relay is the way to show a room real models anyway: the host runs it on their own machine, it
holds the one real token, gives each learner a seat code with its own budget, and forwards only
the calls these notebooks make. Before forwarding, it reserves the request's worst case against
the seat's and the workshop's budget; afterwards it charges the real cost from the response's
usage. Seats and the ledger live in a SQLite file, so a restart loses nothing.

On the host's machine, in a terminal (the token only from the environment, never on the command
line):

```bash
export LCOAI_API_TOKEN=at_...
lcoai-notebook relay --seats 30 --per-seat-usd 0.50 --budget-usd 20 --db relay.sqlite --host 0.0.0.0
```

It prints the learner URL, the thirty seat codes (also written to `relay-seats.csv`) and the
admin page's URL with its key. A model the model table does not price is refused, since its cost
cannot be bounded, unless the host assumes a price for it from OpenAI's price list, in USD per
million input and output tokens with the most output tokens a request may use:
`--price gpt-5.4-mini=INPUT,OUTPUT,MAX_OUTPUT_TOKENS`.
A learner types the address and their code:

```python
client = lco.connect(relay="http://host:8787", seat="seat_...")
```

or sets `LCOAI_RELAY_URL` and `LCOAI_SEAT` before starting Jupyter, and every panel, helper and
notebook works unchanged. Other OpenAI clients work too:
`OpenAI(base_url="http://host:8787/v1", api_key="seat_...")`.

Here is the same from Python, with the emulator standing in for the service and a tiny budget so
that the limits show:
"""),
    code("""
from lcoai_notebook.relay import Relay

stand_in = Emulator().start()  # live: no upstream= or api_token= (found as connect() finds it)
relay = Relay(upstream=stand_in.url, api_token=stand_in.api_token, seats=3, per_seat_usd=0.01,
              budget_usd=0.02, db=Path(tempfile.mkdtemp()) / "relay.sqlite", port=0).start()
print(len(relay.seat_codes), "seats, serving on this machine:",
      relay.url.startswith("http://127.0.0.1:"))
"""),
    md("""
A learner connects with the relay's address and the seat code the host handed out:
"""),
    code("""
learner = lco.connect(relay=relay.url, seat=relay.seat_codes["seat-01"])
reply = learner.chat.completions.create(
    model="gpt-4.1-mini", max_completion_tokens=100, seed=7,
    messages=[{"role": "user", "content": "What does a relay do?"}])
print(reply.choices[0].message.content)
"""),
    md("""
The host sees every seat's requests, tokens and spend (`relay.ledger()` has every request):
"""),
    code("""
relay.spend()[["requests", "refused", "input_tokens", "output_tokens", "spent_usd",
               "remaining_usd", "paused"]]
"""),
    md("""
A request whose worst case the seat's budget cannot cover is refused before anything is sent,
with the figures in the message; it is a `BudgetExceededError` like the client's own guard:
"""),
    code("""
try:
    learner.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "Write a long essay."}])
except lco.BudgetExceededError as exc:
    print(exc)
"""),
    md("""
The host can pause one seat, or every seat at once:
"""),
    code("""
relay.pause("seat-01")
try:
    learner.models.list()
except lco.PermissionDeniedError as exc:
    print(exc)
relay.resume("seat-01")
print(len(learner.models.list()) > 0)
"""),
    md("""
`relay.admin_url` opens the admin page; its key is in the part after `#`, which a browser never
sends to a server. The page shows a live table of seats (requests, tokens, spend, remaining,
last seen), pauses and resumes a seat, adds budget to one, pauses everyone (the kill switch),
and exports the ledger as CSV:

![The relay's admin page, with every seat paused](../docs/screenshots/relay-admin.png)
"""),
    code("""
learner.close()
relay.close()
stand_in.stop()
"""),
]


def clean(nb: nbformat.NotebookNode, name: str) -> None:
    """What must not be committed: saved widget state (GitHub will not render a notebook with
    it), execution timing, and unstable cell ids."""
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:2]}-{i:02d}"  # stable ids keep diffs small
        cell.metadata.pop("execution", None)


def build(names: list[str] | None = None, execute: bool = True) -> dict[str, float]:
    """Write (and execute) the notebooks; returns the seconds each execution took."""
    unknown = set(names or ()) - set(NOTEBOOKS)
    if unknown:
        raise SystemExit(f"unknown notebook(s): {', '.join(sorted(unknown))}")
    timings: dict[str, float] = {}
    env_backup = dict(os.environ)
    # Offline, whatever the machine has set (as notebooks/conftest.py makes nbval's kernels):
    # the committed outputs come from the emulator, exactly as CI and Binder see them.
    for key in list(os.environ):
        if key.startswith(("LCOAI_", "OPENAI_")):
            del os.environ[key]
    os.environ["LCOAI_OFFLINE"] = "1"
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
                start = time.perf_counter()
                NotebookClient(nb, timeout=600, kernel_name="python3",
                               resources={"metadata": {"path": str(HERE)}},
                               store_widget_state=False, record_timing=False).execute()
                timings[name] = time.perf_counter() - start
            clean(nb, name)
            nbformat.validate(nb)
            nbformat.write(nb, HERE / name)
            print(f"wrote {name}" + (f" ({timings[name]:.1f} s)" if name in timings else ""))
    finally:
        os.environ.clear()
        os.environ.update(env_backup)
    return timings


if __name__ == "__main__":
    build(sys.argv[1:] or None)
