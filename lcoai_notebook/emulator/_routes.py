"""Every route the emulator serves, in one table read top to bottom.

Each row is ``(METHOD, template, handler)``: the template is the OpenAI path *with* ``/v1`` and
``{name}`` placeholders (the New format; the app derives the Old one), the handler a function of
an :class:`~._router.EmuRequest` (the contract: :class:`~._router.RouteHandler`). To add an
endpoint, write its handler in the module of its API category and add its row here; nothing
registers itself by being imported.

Where two templates match one path, the app prefers the more literal one (``POST
/v1/threads/runs`` is not thread ``runs``), so the order of the rows does not decide routing.
"""

from __future__ import annotations

from . import (
    _assistants,
    _audio,
    _batches,
    _chat,
    _completions,
    _embeddings,
    _files,
    _fine_tuning,
    _images,
    _models_routes,
    _moderation,
    _responses,
    _runs,
    _stored_chat,
    _uploads,
    _vector_search,
    _vector_stores,
)
from ._router import Route, RouteHandler, compile_routes

__all__ = ["ROUTES", "ROUTE_TABLE"]

# Long templates' common stems, so that every row below fits on one line.
_MESSAGE = "/v1/threads/{thread_id}/messages/{message_id}"
_RUN = "/v1/threads/{thread_id}/runs/{run_id}"
_STORE = "/v1/vector_stores/{vector_store_id}"
_FILE_BATCH = _STORE + "/file_batches/{batch_id}"

ROUTE_TABLE: list[tuple[str, str, RouteHandler]] = [
    # -- models
    ("GET", "/v1/models", _models_routes.list_models),
    ("GET", "/v1/models/{model}", _models_routes.retrieve_model),
    ("DELETE", "/v1/models/{model}", _models_routes.delete_model),
    # -- chat completions
    ("POST", "/v1/chat/completions", _chat.create_chat_completion),
    # -- embeddings
    ("POST", "/v1/embeddings", _embeddings.create_embedding),
    # -- images (and the emulator's own image URLs)
    ("GET", "/v1/_emulator/images/{name}", _images.get_stored_image),
    ("POST", "/v1/images/generations", _images.create_image),
    ("POST", "/v1/images/edits", _images.create_image_edit),
    ("POST", "/v1/images/variations", _images.create_image_variation),
    # -- audio
    ("POST", "/v1/audio/transcriptions", _audio.create_transcription),
    ("POST", "/v1/audio/translations", _audio.create_translation),
    ("POST", "/v1/audio/speech", _audio.create_speech),
    # -- moderations
    ("POST", "/v1/moderations", _moderation.create_moderation),
    # -- files
    ("POST", "/v1/files", _files.create_file),
    ("GET", "/v1/files", _files.list_files),
    ("GET", "/v1/files/{file_id}", _files.retrieve_file),
    ("DELETE", "/v1/files/{file_id}", _files.delete_file),
    ("GET", "/v1/files/{file_id}/content", _files.download_file),
    # -- fine-tuning
    ("POST", "/v1/fine_tuning/jobs", _fine_tuning.create_job),
    ("GET", "/v1/fine_tuning/jobs", _fine_tuning.list_jobs),
    ("GET", "/v1/fine_tuning/jobs/{fine_tuning_job_id}", _fine_tuning.retrieve_job),
    ("POST", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/cancel", _fine_tuning.cancel_job),
    ("GET", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/events", _fine_tuning.list_events),
    ("GET", "/v1/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", _fine_tuning.list_checkpoints),
    # -- batches
    ("POST", "/v1/batches", _batches.create_batch),
    ("GET", "/v1/batches", _batches.list_batches),
    ("GET", "/v1/batches/{batch_id}", _batches.retrieve_batch),
    ("POST", "/v1/batches/{batch_id}/cancel", _batches.cancel_batch),
    # -- assistants, threads and messages (beta)
    ("POST", "/v1/assistants", _assistants.create_assistant),
    ("GET", "/v1/assistants", _assistants.list_assistants),
    ("GET", "/v1/assistants/{assistant_id}", _assistants.get_assistant),
    ("POST", "/v1/assistants/{assistant_id}", _assistants.modify_assistant),
    ("DELETE", "/v1/assistants/{assistant_id}", _assistants.delete_assistant),
    ("POST", "/v1/threads", _assistants.create_thread),
    ("GET", "/v1/threads/{thread_id}", _assistants.get_thread),
    ("POST", "/v1/threads/{thread_id}", _assistants.modify_thread),
    ("DELETE", "/v1/threads/{thread_id}", _assistants.delete_thread),
    ("POST", "/v1/threads/{thread_id}/messages", _assistants.create_message),
    ("GET", "/v1/threads/{thread_id}/messages", _assistants.list_messages),
    ("GET", _MESSAGE, _assistants.get_message),
    ("POST", _MESSAGE, _assistants.modify_message),
    ("DELETE", _MESSAGE, _assistants.delete_message),
    # -- runs and run steps (beta)
    ("POST", "/v1/threads/{thread_id}/runs", _runs.create_run),
    ("POST", "/v1/threads/runs", _runs.create_thread_and_run),
    ("GET", "/v1/threads/{thread_id}/runs", _runs.list_runs),
    ("GET", _RUN, _runs.get_run),
    ("POST", _RUN, _runs.modify_run),
    ("POST", _RUN + "/cancel", _runs.cancel_run),
    ("POST", _RUN + "/submit_tool_outputs", _runs.submit_tool_outputs),
    ("GET", _RUN + "/steps", _runs.list_run_steps),
    ("GET", _RUN + "/steps/{step_id}", _runs.get_run_step),
    # -- vector stores (beta)
    ("POST", "/v1/vector_stores", _vector_stores.create_vector_store),
    ("GET", "/v1/vector_stores", _vector_stores.list_vector_stores),
    ("GET", _STORE, _vector_stores.get_vector_store),
    ("POST", _STORE, _vector_stores.modify_vector_store),
    ("DELETE", _STORE, _vector_stores.delete_vector_store),
    ("POST", _STORE + "/files", _vector_stores.create_vector_store_file),
    ("GET", _STORE + "/files", _vector_stores.list_vector_store_files),
    ("GET", _STORE + "/files/{file_id}", _vector_stores.get_vector_store_file),
    ("DELETE", _STORE + "/files/{file_id}", _vector_stores.delete_vector_store_file),
    ("POST", _STORE + "/file_batches", _vector_stores.create_vector_store_file_batch),
    ("GET", _FILE_BATCH, _vector_stores.get_vector_store_file_batch),
    ("POST", _FILE_BATCH + "/cancel", _vector_stores.cancel_vector_store_file_batch),
    ("GET", _FILE_BATCH + "/files", _vector_stores.list_vector_store_file_batch_files),
    # -- legacy completions
    ("POST", "/v1/completions", _completions.create_completion),
    # -- vector store search
    ("POST", _STORE + "/search", _vector_search.search_vector_store),
    # -- uploads
    ("POST", "/v1/uploads", _uploads.create_upload),
    ("POST", "/v1/uploads/{upload_id}/parts", _uploads.add_upload_part),
    ("POST", "/v1/uploads/{upload_id}/complete", _uploads.complete_upload),
    ("POST", "/v1/uploads/{upload_id}/cancel", _uploads.cancel_upload),
    # -- responses (plain OpenAI wire only)
    ("POST", "/v1/responses", _responses.create_response),
    ("GET", "/v1/responses/{response_id}", _responses.retrieve_response),
    ("DELETE", "/v1/responses/{response_id}", _responses.delete_response),
    ("POST", "/v1/responses/{response_id}/cancel", _responses.cancel_response),
    ("GET", "/v1/responses/{response_id}/input_items", _responses.list_input_items),
    # -- stored chat completions (plain OpenAI wire only)
    ("GET", "/v1/chat/completions", _stored_chat.list_stored),
    ("GET", "/v1/chat/completions/{completion_id}", _stored_chat.retrieve_stored),
    ("POST", "/v1/chat/completions/{completion_id}", _stored_chat.update_stored),
    ("DELETE", "/v1/chat/completions/{completion_id}", _stored_chat.delete_stored),
    ("GET", "/v1/chat/completions/{completion_id}/messages", _stored_chat.list_stored_messages),
]

#: The table compiled for matching (what ``EmuApp`` routes by).
ROUTES: list[Route] = compile_routes(ROUTE_TABLE)
