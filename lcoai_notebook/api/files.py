"""``client.files``: upload, list, retrieve, delete and download files.

Uploads are multipart with the file part named ``file`` (the only part name LowCodeAPI forwards)
and the original filename kept, which OpenAI uses to recognise ``.jsonl`` and other formats.
"""

from __future__ import annotations

import json as _json
from typing import Any

from .._models import BinaryContent
from .._pagination import paginate
from ._files_arg import to_file_tuple
from ._resource import Resource
from ._spec import check_list_args, make_spec, require_id

__all__ = ["FileContent", "Files", "FILE_PURPOSES"]

# The purposes OpenAI accepts on upload (OpenAPI CreateFileRequest.purpose). Output purposes
# (batch_output, fine-tune-results, assistants_output) exist only on files the service writes.
FILE_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")


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
        self,
        *,
        file: Any,
        purpose: str,
        expires_after: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Any:
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
        **kwargs
            ``timeout``, ``max_retries``, ``extra_headers``, ``extra_query``.

        Returns
        -------
        Result
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
        if expires_after is not None:
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
        spec = make_spec("POST", "/files", kwargs, data=data, files=[("file", upload)])
        return self._request(spec)

    def list(
        self,
        *,
        purpose: str | None = None,
        limit: int | None = None,
        order: str | None = None,
        after: str | None = None,
        **kwargs: Any,
    ) -> Any:
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

        Returns
        -------
        SyncPage or AsyncPager
            See :mod:`lcoai_notebook._pagination`.
        """
        check_list_args(limit, order, max_limit=10_000)
        query = {"purpose": purpose, "limit": limit, "order": order, "after": after}
        return paginate(self._requester, make_spec("GET", "/files", kwargs, query=query))

    def retrieve(self, file_id: str, **kwargs: Any) -> Any:
        """The ``file`` object for ``file_id``."""
        return self._request(self._file_spec("GET", "/files/{file_id}", file_id, kwargs))

    def delete(self, file_id: str, **kwargs: Any) -> Any:
        """Delete a file; returns ``{"id", "object": "file", "deleted": true}``."""
        return self._request(self._file_spec("DELETE", "/files/{file_id}", file_id, kwargs))

    def content(self, file_id: str, **kwargs: Any) -> Any:
        """Download a file's content as :class:`FileContent` (``bytes`` with helpers)."""
        spec = self._file_spec(
            "GET", "/files/{file_id}/content", file_id, kwargs,
            response="bytes", cast=_file_content,
        )
        return self._request(spec)

    # The official SDK's deprecated name for the same download.
    retrieve_content = content

    def _file_spec(self, method: str, path: str, file_id: str, kwargs: dict[str, Any],
                   **extra: Any) -> Any:
        return make_spec(
            method, path, kwargs, path_params={"file_id": require_id(file_id, "file_id")}, **extra
        )

