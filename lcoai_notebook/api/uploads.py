"""``client.uploads``: send a large file in parts, then complete it into a File.

``create`` declares the file (name, purpose, size, MIME type) and returns a ``pending`` upload;
``parts.create`` adds up to 64 MB at a time (multipart, part named ``data``); ``complete`` joins
the parts in the order given and returns the upload with its ``file``; ``cancel`` abandons it.
OpenAI flavor only: LowCodeAPI does not define these routes, so the client refuses them before
sending under ``flavor="lowcodeapi"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._models import Upload, UploadPart
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from ._files_arg import FileInput, form_fields, to_file_tuple
from ._flavor import require_openai_flavor
from ._resource import Resource, per_call
from ._spec import make_spec, require_id, require_str
from .files import FILE_PURPOSES, FilePurpose

__all__ = ["UploadParts", "Uploads"]

_UPLOAD_PATH = "/uploads/{upload_id}"
#: OpenAI's limits: 8 GB an upload, 64 MB a part.
MAX_UPLOAD_BYTES = 8 * 10**9
MAX_PART_BYTES = 64 * 2**20


def _upload_params(requester: Any, upload_id: Any, what: str) -> dict[str, str]:
    require_openai_flavor(requester, what)
    return {"upload_id": require_id(upload_id, "upload_id")}


class UploadParts(Resource):
    """``uploads.parts``: add a part to a pending upload."""

    def create(
        self, upload_id: str, *, data: FileInput, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> UploadPart:
        """Add one part (at most 64 MB) to an upload.

        Parameters
        ----------
        upload_id : str
            The pending upload.
        data : bytes, path, binary file object or (filename, bytes)
            The part's bytes.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` fields join the form as given.

        Returns
        -------
        UploadPart
            The ``upload.part`` (its ``id`` goes in ``complete(part_ids=...)``).
        """
        params = _upload_params(self._requester, upload_id, "uploads.parts.create")
        part = to_file_tuple(data, param="data")
        if len(part[1]) > MAX_PART_BYTES:
            raise ValueError(f"data is {len(part[1])} bytes; a part holds at most "
                             f"{MAX_PART_BYTES} bytes (64 MB): split it into more parts")
        options = per_call(extra_headers, extra_query, None, timeout, max_retries)
        return self._request(make_spec("POST", _UPLOAD_PATH + "/parts", options,
                                       path_params=params, data=form_fields(dict(extra_body or {})),
                                       files=[("data", part)], cast=UploadPart))


class Uploads(Resource):
    """``client.uploads``: create, complete, cancel; ``.parts.create``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.parts = UploadParts(requester)

    def create(
        self, *, bytes: int, filename: str, mime_type: str, purpose: FilePurpose,
        expires_after: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Upload:
        """Declare a file to be sent in parts.

        Parameters
        ----------
        bytes : int
            The file's whole size; ``complete`` checks the parts add up to it.
        filename : str
            The File's name (``.jsonl`` for the batch and fine-tune purposes).
        mime_type : str
            The file's MIME type (``text/jsonl``, ``text/plain``, ``application/pdf`` ...).
        purpose : {"assistants", "batch", "fine-tune", "vision", "user_data", "evals"}
            What the File is for.
        expires_after : dict, optional
            ``{"anchor": "created_at", "seconds": 3600..2592000}`` for the File.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        Upload
            The ``upload`` (``status`` ``pending``, ``expires_at`` an hour on).

        Examples
        --------
        >>> up = client.uploads.create(bytes=len(blob), filename="notes.txt",  # doctest: +SKIP
        ...                            mime_type="text/plain", purpose="assistants")
        >>> part = client.uploads.parts.create(up.id, data=blob)  # doctest: +SKIP
        >>> client.uploads.complete(up.id, part_ids=[part.id]).file.id  # doctest: +SKIP
        """
        require_openai_flavor(self._requester, "uploads.create")
        if isinstance(bytes, bool) or not isinstance(bytes, int) or \
                not 0 <= bytes <= MAX_UPLOAD_BYTES:
            raise ValueError(f"bytes must be an integer from 0 to {MAX_UPLOAD_BYTES} (8 GB), "
                             f"got {bytes!r}")
        if purpose not in FILE_PURPOSES:
            raise ValueError(f"purpose must be one of {', '.join(FILE_PURPOSES)}; got "
                             f"{purpose!r}")
        body = {"bytes": bytes, "filename": require_str(filename, "filename"),
                "mime_type": require_str(mime_type, "mime_type"), "purpose": purpose,
                **given(expires_after=expires_after)}
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", "/uploads", options, json=body, cast=Upload))

    def complete(
        self, upload_id: str, *, part_ids: Sequence[str], md5: str | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Upload:
        """Join the parts, in the order of ``part_ids``, into a File.

        Parameters
        ----------
        upload_id : str
            The pending upload.
        part_ids : list of str
            Every part to keep, in file order.
        md5 : str, optional
            The whole file's MD5 (hex), checked by the service.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        Upload
            The ``upload`` with ``status`` ``completed`` and its ``file``.
        """
        params = _upload_params(self._requester, upload_id, "uploads.complete")
        if isinstance(part_ids, str) or not isinstance(part_ids, (list, tuple)):
            raise TypeError(f"part_ids must be a list of part ids, got {part_ids!r:.80}")
        ids = [require_str(p, f"part_ids[{i}]") for i, p in enumerate(part_ids)]
        body = {"part_ids": ids, **given(md5=md5)}
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", _UPLOAD_PATH + "/complete", options,
                                       path_params=params, json=body, cast=Upload))

    def cancel(
        self, upload_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Upload:
        """Cancel a pending upload; no part can be added to it afterwards.

        Parameters
        ----------
        upload_id : str
            The pending upload.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        Upload
            The ``upload`` with ``status`` ``cancelled``.
        """
        params = _upload_params(self._requester, upload_id, "uploads.cancel")
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", _UPLOAD_PATH + "/cancel", options,
                                       path_params=params, json={}, cast=Upload))
