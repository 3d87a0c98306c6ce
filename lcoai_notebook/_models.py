"""Response objects: thin, fast views over the parsed JSON.

A :class:`Result` wraps one ``dict`` and wraps nested values on access, so reading
``resp.choices[0].message.content`` costs a few dictionary look-ups and nothing is parsed twice.
Results allow attribute access, item access and ``.to_dict()``; typed subclasses add a readable
notebook repr. Every repr of model output goes through :func:`lcoai_notebook._render` so replies
are never rendered as live HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import TYPE_CHECKING, Any, TypeVar, overload

__all__ = [
    "Batch",
    "BinaryContent",
    "ChatCompletion",
    "ChatCompletionChunk",
    "ChatCompletionDeleted",
    "ChatCompletionStoreMessage",
    "CreateEmbeddingResponse",
    "DeletedObject",
    "FileDeleted",
    "FileObject",
    "FineTuningJob",
    "FineTuningJobCheckpoint",
    "FineTuningJobEvent",
    "ImagesResponse",
    "Model",
    "ModelDeleted",
    "ModelList",
    "ModerationResponse",
    "Response",
    "ResponseDeleted",
    "ResponseItem",
    "ResponseStreamEvent",
    "Result",
    "SpeechResponse",
    "Transcription",
    "Upload",
    "UploadPart",
    "wrap",
]


def wrap(value: Any, cls: type[Result] | None = None) -> Any:
    """Wrap dicts (and dicts inside lists) as :class:`Result`; leave everything else alone.

    This sits on the hot path of every stream chunk, so it skips ``__init__`` and copies a list
    once at C speed before wrapping only the items that need it.
    """
    t = type(value)
    if t is dict:
        obj = _new(cls or Result)
        _set_data(obj, value)
        return obj
    if t is list:
        out = list(value)
        for i, item in enumerate(out):
            ti = type(item)
            if ti is dict or ti is list:
                out[i] = wrap(item)
        return out
    return value


_new = object.__new__


class Result(Mapping):
    """A response object: ``r.field``, ``r["field"]``, ``r.to_dict()``."""

    __slots__ = ("_data",)

    def __init__(self, data: dict[str, Any] | None = None, /, **fields: Any) -> None:
        _set_data(self, data if data is not None else fields)

    # -- access ---------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        try:
            value = self._data[name]
        except KeyError:
            if name.startswith("__"):
                raise AttributeError(name) from None
            # Optional fields the service left out read as None, like the official SDK's models.
            return None
        if type(value) is dict:  # inlined wrap(): the common case on the streaming hot path
            obj = _new(Result)
            _set_data(obj, value)
            return obj
        return wrap(value) if type(value) is list else value

    def __getitem__(self, key: str) -> Any:
        return wrap(self._data[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    # -- completion (Tab in IPython / Jupyter) -----------------------------------------------------
    def __dir__(self) -> list[str]:
        # The methods plus the fields this object actually holds, so ``reply.ch<Tab>`` offers
        # ``choices`` at every level of a nested result. Only dir() pays for it.
        names = set(super().__dir__())
        names.update(k for k in self._data if type(k) is str and k.isidentifier())
        return sorted(names)

    def _ipython_key_completions_(self) -> list[str]:
        """The keys offered after ``reply["<Tab>``."""
        return [k for k in self._data if type(k) is str]

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Result):
            return self._data == other._data
        if isinstance(other, dict):
            return self._data == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:
        # copy, deepcopy and pickle rebuild through __init__: the default path makes an empty
        # object first, whose missing _data sends __getattr__ into a loop.
        return (type(self), (self._data,))

    def get(self, key: str, default: Any = None) -> Any:
        return wrap(self._data.get(key, default))

    def to_dict(self) -> dict[str, Any]:
        """The underlying JSON object (a deep copy, safe to mutate)."""
        return json.loads(json.dumps(self._data, default=_json_default))

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self._data, indent=indent, default=_json_default)

    # -- display --------------------------------------------------------------------------------
    def __repr__(self) -> str:
        text = json.dumps(self._data, indent=2, default=_json_default)
        if len(text) > 4000:
            text = text[:4000] + "\n  ..."
        return f"{type(self).__name__}({text})"

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(repr(self))


_set_data = Result._data.__set__  # type: ignore[attr-defined]


if TYPE_CHECKING:
    # The shapes of nested results, for type checkers and editors only. At run time every nested
    # object is a plain :class:`Result` (wrapping it as a named class would cost time on the
    # streaming hot path), so these names exist only under TYPE_CHECKING: nothing can
    # ``isinstance``-check against a class that is never built. Fields follow OpenAI's OpenAPI
    # schemas; a field the service leaves out reads as None.

    class CompletionUsage(Result):
        prompt_tokens: int
        completion_tokens: int
        total_tokens: int
        prompt_tokens_details: Result | None
        completion_tokens_details: Result | None

    class FunctionCall(Result):
        name: str
        arguments: str

    class ChatCompletionMessageToolCall(Result):
        id: str
        type: str
        function: FunctionCall

    class ChatCompletionMessage(Result):
        role: str
        content: str | None
        refusal: str | None
        tool_calls: list[ChatCompletionMessageToolCall] | None
        annotations: list[Result] | None
        audio: Result | None

    class Choice(Result):
        index: int
        message: ChatCompletionMessage
        finish_reason: str
        logprobs: Result | None

    class ChoiceDeltaToolCall(Result):
        index: int
        id: str | None
        type: str | None
        function: FunctionCall | None

    class ChoiceDelta(Result):
        role: str | None
        content: str | None
        refusal: str | None
        tool_calls: list[ChoiceDeltaToolCall] | None

    class ChunkChoice(Result):
        index: int
        delta: ChoiceDelta
        finish_reason: str | None
        logprobs: Result | None

    class Embedding(Result):
        index: int
        embedding: Any  # a float32 row (np.ndarray), a list of floats, or a base64 string
        object: str

    class EmbeddingUsage(Result):
        prompt_tokens: int
        total_tokens: int

    class Image(Result):
        url: str | None
        b64_json: str | None
        revised_prompt: str | None

    class Moderation(Result):
        flagged: bool
        categories: Result
        category_scores: Result
        category_applied_input_types: Result | None

    class TranscriptionWord(Result):
        word: str
        start: float
        end: float

    class TranscriptionSegment(Result):
        id: int
        start: float
        end: float
        text: str


def _json_default(value: Any) -> Any:
    tolist = getattr(value, "tolist", None)
    if tolist is not None:
        return tolist()
    if isinstance(value, Result):
        return value._data
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


class ChatCompletion(Result):
    """``chat.completion``; in a notebook the reply shows as rendered (inert) Markdown."""

    __slots__ = ()
    if TYPE_CHECKING:  # fields for editors and type checkers; read through __getattr__
        id: str
        choices: list[Choice]
        created: int
        model: str
        usage: CompletionUsage | None
        system_fingerprint: str | None
        service_tier: str | None

    @property
    def text(self) -> str:
        """The content of the first choice ('' when it is a tool call)."""
        choices = self._data.get("choices") or []
        if not choices:
            return ""
        return (choices[0].get("message") or {}).get("content") or ""

    def _repr_html_(self) -> str:
        from ._render import chat_completion_html

        return chat_completion_html(self._data)


class ChatCompletionChunk(Result):
    """One ``chat.completion.chunk`` of a stream."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        choices: list[ChunkChoice]
        created: int
        model: str
        usage: CompletionUsage | None
        system_fingerprint: str | None
        service_tier: str | None


class Response(Result):
    """A Responses API ``response``; in a notebook its text shows as rendered (inert) Markdown."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        created_at: float
        model: str
        status: str | None
        output: list[Result]
        usage: Result | None
        error: Result | None
        incomplete_details: Result | None
        instructions: Any
        metadata: dict[str, str] | None
        previous_response_id: str | None

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of the ``message`` items, joined (as the
        official SDK's ``output_text``); '' when the output holds only tool calls."""
        parts = []
        for item in self._data.get("output") or []:
            if type(item) is dict and item.get("type") == "message":
                for part in item.get("content") or []:
                    if type(part) is dict and part.get("type") == "output_text":
                        parts.append(str(part.get("text") or ""))
        return "".join(parts)

    def _repr_html_(self) -> str:
        from ._render import response_html

        return response_html(self._data)


class ResponseStreamEvent(Result):
    """One event of a Responses stream: ``.type`` (``response.output_text.delta`` ...),
    ``.sequence_number``; ``.response`` is a :class:`Response` on lifecycle events."""

    __slots__ = ()
    if TYPE_CHECKING:
        type: str
        sequence_number: int
        delta: str | None
        text: str | None
        item_id: str | None
        output_index: int | None

    @property
    def response(self) -> Response | None:
        value = self._data.get("response")
        return Response(value) if type(value) is dict else None


class CreateEmbeddingResponse(Result):
    """An embeddings list; ``to_numpy()`` gives the ``(n, d)`` float32 matrix in input order.

    When the response was asked for as base64 the client decodes it once into a float32 matrix
    (``np.frombuffer`` over the decoded bytes, no float parsing) and ``data[i].embedding`` is a
    row view of it.
    """

    __slots__ = ("_matrix",)
    if TYPE_CHECKING:
        data: list[Embedding]
        model: str
        usage: EmbeddingUsage

    def __init__(self, data: dict[str, Any], matrix: Any = None) -> None:
        super().__init__(data)
        object.__setattr__(self, "_matrix", matrix)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self._data, getattr(self, "_matrix", None)))

    def to_numpy(self) -> Any:
        """The embeddings as an ``np.ndarray`` of shape ``(n, d)``, dtype float32."""
        if self._matrix is not None:
            return self._matrix
        import numpy as np

        rows = sorted(self._data.get("data") or [], key=lambda d: d["index"])
        if not rows:
            return np.zeros((0, 0), dtype=np.float32)
        return np.asarray([r["embedding"] for r in rows], dtype=np.float32)

    def __repr__(self) -> str:
        data = self._data.get("data") or []
        dim = self.to_numpy().shape[1] if data else 0
        return (
            f"CreateEmbeddingResponse(model={self._data.get('model')!r}, n={len(data)}, "
            f"dimensions={dim}, usage={self._data.get('usage')})"
        )


class ImagesResponse(Result):
    """``ImagesResponse``; shows the images inline in a notebook."""

    __slots__ = ()
    if TYPE_CHECKING:
        created: int
        data: list[Image]
        usage: Result | None
        background: str | None
        output_format: str | None
        quality: str | None
        size: str | None

    def _repr_html_(self) -> str:
        from ._render import images_html

        return images_html(self._data)


class Transcription(Result):
    """A transcription or translation (json / verbose_json); shows its text."""

    __slots__ = ()
    if TYPE_CHECKING:
        text: str
        language: str | None
        duration: float | None
        words: list[TranscriptionWord] | None
        segments: list[TranscriptionSegment] | None
        usage: Result | None

    def __str__(self) -> str:
        return str(self._data.get("text", ""))

    def _repr_html_(self) -> str:
        from ._render import pre_html

        return pre_html(str(self._data.get("text", "")))


class ModerationResponse(Result):
    """``CreateModerationResponse``; ``flagged`` is True when any input was flagged."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        model: str
        results: list[Moderation]

    @property
    def flagged(self) -> bool:
        return any(r.get("flagged") for r in self._data.get("results") or [])


# -- models, files, fine-tuning, batches, uploads, stored chat and responses ---------------------
# Top-level results of the resource methods. Each is built once per response (never on a
# streaming hot path), so these are real classes; their fields are declared for type checkers
# only and read through ``Result.__getattr__`` (a field the service leaves out reads as None).


class Model(Result):
    """A ``model``: ``id``, ``created``, ``owned_by``."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        created: int
        object: str
        owned_by: str


class ModelList(Result):
    """``{"object": "list", "data": [Model, ...]}``: iterating it yields the models.

    ``len()`` is the number of models and ``models[0]`` the first; ``models["data"]``,
    ``.keys()``, ``.items()`` and ``.to_dict()`` still see the JSON object.
    """

    __slots__ = ()
    if TYPE_CHECKING:
        object: str
        data: list[Model]

    def _models(self) -> list[Any]:
        return self._data.get("data") or []

    def __iter__(self) -> Iterator[Model]:  # type: ignore[override]
        return (wrap(m, Model) for m in self._models())

    def __len__(self) -> int:
        return len(self._models())

    @overload
    def __getitem__(self, key: int) -> Model: ...

    @overload
    def __getitem__(self, key: slice) -> list[Model]: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return wrap(self._models()[key], Model)
        if isinstance(key, slice):
            return [wrap(m, Model) for m in self._models()[key]]
        return super().__getitem__(key)

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        return self._data.keys()

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        return self._data.values()

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        return self._data.items()

    @property
    def ids(self) -> list[str]:
        """The model ids, in the order listed."""
        return [m.get("id") for m in self._models()]

    def __repr__(self) -> str:
        return f"ModelList({len(self)} models: {', '.join(map(str, self.ids[:8]))}" + \
            (", ...)" if len(self) > 8 else ")")


class DeletedObject(Result):
    """``{"id", "object", "deleted": true}``: what a delete returns."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        deleted: bool


class ModelDeleted(DeletedObject):
    """The answer to ``models.delete``."""

    __slots__ = ()


class FileDeleted(DeletedObject):
    """The answer to ``files.delete``."""

    __slots__ = ()


class ChatCompletionDeleted(DeletedObject):
    """The answer to ``chat.completions.delete`` (``object`` is ``chat.completion.deleted``)."""

    __slots__ = ()


class ResponseDeleted(DeletedObject):
    """The answer to ``responses.delete``."""

    __slots__ = ()


class FileObject(Result):
    """A ``file``: ``id``, ``filename``, ``bytes``, ``purpose``, ``status``, ..."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        bytes: int
        created_at: int
        expires_at: int | None
        filename: str
        object: str
        purpose: str
        status: str
        status_details: str | None


if TYPE_CHECKING:
    class FineTuningJobError(Result):
        code: str
        message: str
        param: str | None

    class BatchRequestCounts(Result):
        total: int
        completed: int
        failed: int

    class BatchErrors(Result):
        object: str
        data: list[Result]


class FineTuningJob(Result):
    """A ``fine_tuning.job``: ``status``, and ``fine_tuned_model`` once it has succeeded."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        created_at: int
        error: FineTuningJobError | None
        fine_tuned_model: str | None
        finished_at: int | None
        hyperparameters: Result
        model: str
        object: str
        organization_id: str
        result_files: list[str]
        status: str
        trained_tokens: int | None
        training_file: str
        validation_file: str | None
        integrations: list[Result] | None
        seed: int
        estimated_finish: int | None
        method: Result | None
        metadata: dict[str, str] | None


class FineTuningJobEvent(Result):
    """A ``fine_tuning.job.event``: a message, or training metrics in ``data``."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        created_at: int
        level: str
        message: str
        object: str
        type: str | None
        data: Result | None


class FineTuningJobCheckpoint(Result):
    """A ``fine_tuning.job.checkpoint``: a usable model at one training step."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        created_at: int
        fine_tuned_model_checkpoint: str
        fine_tuning_job_id: str
        metrics: Result
        object: str
        step_number: int


class Batch(Result):
    """A ``batch``: ``status``, ``request_counts``, ``output_file_id`` once done."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        endpoint: str
        model: str | None
        errors: BatchErrors | None
        input_file_id: str
        completion_window: str
        status: str
        output_file_id: str | None
        error_file_id: str | None
        created_at: int
        in_progress_at: int | None
        expires_at: int | None
        finalizing_at: int | None
        completed_at: int | None
        failed_at: int | None
        expired_at: int | None
        cancelling_at: int | None
        cancelled_at: int | None
        request_counts: BatchRequestCounts | None
        usage: Result | None
        metadata: dict[str, str] | None


class Upload(Result):
    """An ``upload``: ``status`` ``pending`` until completed, then ``file`` is the File."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        bytes: int
        created_at: int
        expires_at: int
        filename: str
        object: str
        purpose: str
        status: str

    @property
    def file(self) -> FileObject | None:
        """The :class:`FileObject` made by ``complete`` (None before)."""
        value = self._data.get("file")
        return wrap(value, FileObject) if type(value) is dict else None


class UploadPart(Result):
    """An ``upload.part``: its ``id`` goes in ``uploads.complete(part_ids=...)``."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        created_at: int
        object: str
        upload_id: str


class ChatCompletionStoreMessage(Result):
    """A message of a stored chat completion (``chat.completions.messages.list``)."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        role: str
        content: str | None
        content_parts: list[Result] | None
        name: str | None
        refusal: str | None
        tool_calls: list[ChatCompletionMessageToolCall] | None
        tool_call_id: str | None


class ResponseItem(Result):
    """An input item of a stored response (``responses.input_items.list``): a message
    (``role``, ``content``), a function call or its output, ... by ``type``."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        type: str
        status: str | None
        role: str | None
        content: list[Result] | None
        call_id: str | None
        name: str | None
        arguments: str | None
        output: Any


_B = TypeVar("_B", bound="BinaryContent")


class BinaryContent(bytes):
    """Bytes from a non-JSON response, with their ``content_type``; ``.content`` and
    ``.write_to_file()`` as the official SDK's binary responses have them."""

    content_type: str = "application/octet-stream"

    def __new__(cls: type[_B], content: bytes, content_type: str | None = None) -> _B:
        obj = bytes.__new__(cls, content)
        obj.content_type = cls.content_type if content_type is None else content_type
        return obj

    @property
    def content(self) -> bytes:
        """The raw bytes."""
        return bytes(self)

    def write_to_file(self, path: Any) -> None:
        """Write the bytes to ``path``."""
        with open(path, "wb") as fh:
            fh.write(self)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} bytes, {self.content_type})"


_AUDIO_TYPE = re.compile(r"audio/[a-z0-9][a-z0-9.+-]*")


class SpeechResponse(BinaryContent):
    """Audio bytes from ``audio.speech.create``; plays inline in a notebook."""

    content_type: str = "audio/mpeg"

    def _repr_html_(self) -> str:
        import base64

        b64 = base64.b64encode(self).decode("ascii")
        ctype = self.content_type.split(";")[0].strip().lower()
        # The type comes from a response header and goes into an attribute: accept only a
        # plain audio/<subtype>.
        if not _AUDIO_TYPE.fullmatch(ctype):
            ctype = "audio/mpeg"
        return f'<audio controls src="data:{ctype};base64,{b64}"></audio>'
