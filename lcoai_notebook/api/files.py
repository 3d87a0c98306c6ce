"""``client.files``: upload, list, retrieve, delete and download files.

Uploads are multipart with the file part named ``file`` (the only part name LowCodeAPI forwards)
and the original filename kept, which OpenAI uses to recognise ``.jsonl`` and other formats.
"""

from __future__ import annotations

import json as _json
from collections.abc import Mapping
from typing import Any, Literal

from .._models import BinaryContent, FileDeleted, FileObject
from .._pagination import SyncPage, paginate
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from ._files_arg import FileInput, form_fields, to_file_tuple
from ._resource import Resource, per_call
from ._spec import check_list_args, make_spec, require_id

__all__ = ["FileContent", "Files", "FILE_PURPOSES"]

# The purposes OpenAI accepts on upload (OpenAPI CreateFileRequest.purpose). Output purposes
# (batch_output, fine-tune-results, assistants_output) exist only on files the service writes.
FILE_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
FilePurpose = Literal["assistants", "batch", "fine-tune", "vision", "user_data", "evals"]


class FileContent(BinaryContent):
    """A downloaded file's bytes, with ``.text``, ``.json_lines()`` and ``.write_to_file()``."""

    @property
    def text(self) -> str:
        """The content decoded as UTF-8."""
        return self.decode("utf-8")

    def json_lines(self) -> list[Any]:
        """Parse JSONL content (batch files, training data): one object per non-blank line."""
        return [_json.loads(line) for line in self.text.splitlines() if line.strip()]


def _file_content(pair: tuple[bytes, str]) -> FileContent:
    content, content_type = pair
    return FileContent(content, content_type or "application/octet-stream")


class Files(Resource):
    """Files: ``create``, ``list``, ``retrieve``, ``delete``, ``content``."""

    def create(
        self, *, file: FileInput, purpose: FilePurpose,
        expires_after: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FileObject:
        """Upload a file.

        Parameters
        ----------
        file : str, os.PathLike, bytes, file object or (filename, bytes) tuple
            What to upload. A path keeps its file name; give a tuple to choose the name (OpenAI
            reads the extension, e.g. ``.jsonl`` for fine-tuning and batch input).
        purpose : {"assistants", "batch", "fine-tune", "vision", "user_data", "evals"}
            What the file is for.
        expires_after : dict, optional
            ``{"anchor": "created_at", "seconds": 3600..2592000}``.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` fields join the form as given.

        Returns
        -------
        FileObject
            The ``file`` object (``id``, ``bytes``, ``filename``, ``purpose``, ...).

        Examples
        --------
        >>> f = client.files.create(file=("train.jsonl", data),
        ...                         purpose="fine-tune")  # doctest: +SKIP
        """
        if purpose not in FILE_PURPOSES:
            raise ValueError(
                f"purpose must be one of {', '.join(FILE_PURPOSES)}; got {purpose!r}"
            )
        data: dict[str, Any] = {"purpose": purpose}
        if expires_after is not None and expires_after is not NOT_GIVEN:
            if not isinstance(expires_after, dict) or set(expires_after) - {"anchor", "seconds"}:
                raise ValueError(
                    "expires_after must be a dict {'anchor': 'created_at', 'seconds': int}, "
                    f"got {expires_after!r}"
                )
            # Multipart has no nesting: OpenAI reads bracketed field names.
            data["expires_after[anchor]"] = str(expires_after.get("anchor", "created_at"))
            if "seconds" in expires_after:
                data["expires_after[seconds]"] = str(int(expires_after["seconds"]))
        upload = to_file_tuple(file, param="file")
        if not upload[1]:
            raise ValueError("file is empty (a file object read once already? call f.seek(0) "
                             "or open it again)")
        if extra_body:  # unknown fields join the form, as images.edit does it
            data.update(form_fields(dict(extra_body)))
        options = per_call(extra_headers, extra_query, None, timeout, max_retries)
        spec = make_spec("POST", "/files", options, data=data, files=[("file", upload)],
                         cast=FileObject)
        return self._request(spec)

    def list(
        self, *, purpose: str | NotGiven = NOT_GIVEN, limit: int | NotGiven = NOT_GIVEN,
        order: Literal["asc", "desc"] | NotGiven = NOT_GIVEN, after: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[FileObject]:
        """List files, newest first by default; iterating the result walks every page.

        Parameters
        ----------
        purpose : str, optional
            Only files with this purpose (including output purposes such as ``batch_output``).
        limit : int, optional
            Page size, 1 to 10,000 (OpenAI's default is 10,000).
        order : {"asc", "desc"}, optional
            By ``created_at``.
        after : str, optional
            A file id to start after.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        SyncPage of FileObject
            Under ``AsyncClient`` an ``AsyncPager``; see :mod:`lcoai_notebook._pagination`.
        """
        query = given(purpose=purpose, limit=limit, order=order, after=after)
        check_list_args(query.get("limit"), query.get("order"), max_limit=10_000)
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return paginate(self._requester, make_spec("GET", "/files", options, query=query),
                        FileObject)

    def retrieve(
        self, file_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FileObject:
        """The ``file`` object for ``file_id``.

        Parameters
        ----------
        file_id : str
            The file.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        FileObject
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_file_spec("GET", "/files/{file_id}", file_id, options,
                                        cast=FileObject))

    def delete(
        self, file_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FileDeleted:
        """Delete a file.

        Parameters
        ----------
        file_id : str
            The file.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a DELETE has no body).

        Returns
        -------
        FileDeleted
            ``{"id", "object": "file", "deleted": true}``.
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_file_spec("DELETE", "/files/{file_id}", file_id, options,
                                        cast=FileDeleted))

    def content(
        self, file_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FileContent:
        """Download a file's content.

        Parameters
        ----------
        file_id : str
            The file.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        FileContent
            ``bytes`` with ``.text``, ``.json_lines()`` and ``.write_to_file()``.
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(_file_spec("GET", "/files/{file_id}/content", file_id, options,
                                        response="bytes", cast=_file_content))

    # The official SDK's deprecated name for the same download.
    retrieve_content = content


def _file_spec(method: str, path: str, file_id: str, options: dict[str, Any],
               **extra: Any) -> Any:
    return make_spec(
        method, path, options, path_params={"file_id": require_id(file_id, "file_id")}, **extra
    )
