"""Result classes of the Assistants family: assistants, threads, messages, runs, run steps and
vector stores (``client.beta.*``, ``client.vector_stores.*``).

They are :class:`~lcoai_notebook._models.Result` views like every other response (attribute and
item access, ``to_dict()``, an inert JSON repr, ``dir()`` listing the fields the object holds);
what they add is the field declarations, so an editor completes ``run.required_action`` and a
type checker knows ``message.content`` is a list. The declarations sit under ``TYPE_CHECKING``:
at run time every field is read through ``Result.__getattr__`` (a field the service left out
reads as None), and nested objects stay plain ``Result`` views, as in ``_models``. Fields follow
OpenAI's OpenAPI schemas (``AssistantObject``, ``RunObject``, ``VectorStoreObject``, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._models import DeletedObject, Result

__all__ = [
    "Assistant",
    "AssistantDeleted",
    "AssistantStreamEvent",
    "Message",
    "MessageDeleted",
    "Run",
    "RunStep",
    "Thread",
    "ThreadDeleted",
    "VectorStore",
    "VectorStoreDeleted",
    "VectorStoreFile",
    "VectorStoreFileBatch",
    "VectorStoreFileDeleted",
    "VectorStoreSearchResponse",
]


if TYPE_CHECKING:
    # Nested shapes, for type checkers and editors only (never built at run time: nested objects
    # are plain Result views, so nothing can isinstance-check against these).

    class AssistantTool(Result):
        type: str  # "code_interpreter", "file_search" or "function"
        function: Result | None
        file_search: Result | None

    class FunctionCallDetails(Result):
        name: str
        arguments: str

    class RequiredActionToolCall(Result):
        id: str
        type: str
        function: FunctionCallDetails

    class SubmitToolOutputsAction(Result):
        tool_calls: list[RequiredActionToolCall]

    class RequiredAction(Result):
        type: str
        submit_tool_outputs: SubmitToolOutputsAction

    class LastError(Result):
        code: str
        message: str

    class RunUsage(Result):
        prompt_tokens: int
        completion_tokens: int
        total_tokens: int

    class TextValue(Result):
        value: str
        annotations: list[Result]

    class MessageContent(Result):
        type: str  # "text", "image_file", "image_url" or "refusal"
        text: TextValue | None
        image_file: Result | None
        image_url: Result | None
        refusal: str | None

    class StepDetails(Result):
        type: str  # "message_creation" or "tool_calls"
        message_creation: Result | None
        tool_calls: list[Result] | None

    class FileCounts(Result):
        in_progress: int
        completed: int
        failed: int
        cancelled: int
        total: int

    class SearchContent(Result):
        type: str
        text: str


class Assistant(Result):
    """An ``assistant``."""

    __slots__ = ()
    if TYPE_CHECKING:  # fields for editors and type checkers; read through __getattr__
        id: str
        object: str
        created_at: int
        name: str | None
        description: str | None
        model: str
        instructions: str | None
        tools: list[AssistantTool]
        tool_resources: Result | None
        metadata: Result | None
        temperature: float | None
        top_p: float | None
        response_format: Any
        reasoning_effort: str | None


class AssistantDeleted(DeletedObject):
    """``assistant.deleted``."""

    __slots__ = ()


class Thread(Result):
    """A ``thread``."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        created_at: int
        tool_resources: Result | None
        metadata: Result | None


class ThreadDeleted(DeletedObject):
    """``thread.deleted``."""

    __slots__ = ()


class Message(Result):
    """A ``thread.message``; its text is ``message.content[0].text.value``."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        created_at: int
        thread_id: str
        status: str
        incomplete_details: Result | None
        completed_at: int | None
        incomplete_at: int | None
        role: str
        content: list[MessageContent]
        assistant_id: str | None
        run_id: str | None
        attachments: list[Result] | None
        metadata: Result | None


class MessageDeleted(DeletedObject):
    """``thread.message.deleted``."""

    __slots__ = ()


class Run(Result):
    """A ``thread.run``; ``required_action.submit_tool_outputs.tool_calls`` when it waits for
    tool outputs (``status == "requires_action"``)."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        created_at: int
        thread_id: str
        assistant_id: str
        status: str
        required_action: RequiredAction | None
        last_error: LastError | None
        expires_at: int | None
        started_at: int | None
        cancelled_at: int | None
        failed_at: int | None
        completed_at: int | None
        incomplete_details: Result | None
        model: str
        instructions: str
        tools: list[AssistantTool]
        metadata: Result | None
        usage: RunUsage | None
        temperature: float | None
        top_p: float | None
        max_prompt_tokens: int | None
        max_completion_tokens: int | None
        truncation_strategy: Result | None
        tool_choice: Any
        parallel_tool_calls: bool
        response_format: Any


class RunStep(Result):
    """A ``thread.run.step`` (``message_creation`` or ``tool_calls``)."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        created_at: int
        assistant_id: str
        thread_id: str
        run_id: str
        type: str
        status: str
        step_details: StepDetails
        last_error: LastError | None
        expired_at: int | None
        cancelled_at: int | None
        failed_at: int | None
        completed_at: int | None
        metadata: Result | None
        usage: RunUsage | None


class AssistantStreamEvent(Result):
    """One event of a run stream: ``event`` names it (``thread.run.created``,
    ``thread.message.delta``, ...) and ``data`` is the run, step, message or delta."""

    __slots__ = ()
    if TYPE_CHECKING:
        event: str
        data: Any


class VectorStore(Result):
    """A ``vector_store``."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        created_at: int
        name: str
        usage_bytes: int
        file_counts: FileCounts
        status: str
        expires_after: Result | None
        expires_at: int | None
        last_active_at: int | None
        metadata: Result | None


class VectorStoreDeleted(DeletedObject):
    """``vector_store.deleted``."""

    __slots__ = ()


class VectorStoreFile(Result):
    """A ``vector_store.file``: an uploaded file attached to a store."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        usage_bytes: int
        created_at: int
        vector_store_id: str
        status: str
        last_error: LastError | None
        chunking_strategy: Result | None
        attributes: Result | None


class VectorStoreFileDeleted(DeletedObject):
    """``vector_store.file.deleted``."""

    __slots__ = ()


class VectorStoreFileBatch(Result):
    """A ``vector_store.files_batch``."""

    __slots__ = ()
    if TYPE_CHECKING:
        id: str
        object: str
        created_at: int
        vector_store_id: str
        status: str
        file_counts: FileCounts


class VectorStoreSearchResponse(Result):
    """One result of ``vector_stores.search``: a file's matching chunks and their score."""

    __slots__ = ()
    if TYPE_CHECKING:
        file_id: str
        filename: str
        score: float
        attributes: Result | None
        content: list[SearchContent]
