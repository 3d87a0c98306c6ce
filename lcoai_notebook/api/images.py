"""``client.images``: generate, edit, and create variations.

Edits and variations are multipart uploads. OpenAI names the parts ``image`` (``image[]`` for
several) and ``mask``; LowCodeAPI forwards exactly one file part and it must be named ``file``, so
under the ``lowcodeapi`` flavor the image travels as ``file`` and a mask or a second image cannot be
sent at all (we say so before sending rather than let the proxy answer 422 "File missing").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._models import ImagesResponse
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from .._validate_media import validate_image_file, validate_images
from ._files_arg import FileInput, form_fields, to_file_tuple
from ._resource import Resource, per_call
from ._spec import make_spec

__all__ = ["Images"]


def _flavor(requester: Any) -> str:
    return getattr(requester, "flavor", "lowcodeapi")


class Images(Resource):
    """``/images/generations``, ``/images/edits``, ``/images/variations``."""

    def generate(
        self, *, prompt: str, model: str | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        size: str | None | NotGiven = NOT_GIVEN, quality: str | None | NotGiven = NOT_GIVEN,
        style: str | None | NotGiven = NOT_GIVEN,
        response_format: str | None | NotGiven = NOT_GIVEN,
        output_format: str | None | NotGiven = NOT_GIVEN,
        output_compression: int | None | NotGiven = NOT_GIVEN,
        background: str | None | NotGiven = NOT_GIVEN,
        moderation: str | None | NotGiven = NOT_GIVEN, user: str | None | NotGiven = NOT_GIVEN,
        stream: bool | None | NotGiven = NOT_GIVEN,
        partial_images: int | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ImagesResponse:
        """Generate images from a prompt.

        Parameters
        ----------
        prompt : str
            What to draw.
        model : str, optional
            ``"gpt-image-1-mini"``, ``"dall-e-3"`` ...; the service's default when unset.
        n : int, optional
            1–10 images (only 1 for dall-e-3).
        size : str, optional
            ``"1024x1024"`` etc.; the accepted sizes depend on the model.
        quality : {"standard", "hd", "low", "medium", "high", "auto"}, optional
            The model decides which apply.
        style : {"vivid", "natural"}, optional
            dall-e-3 only.
        response_format : {"url", "b64_json"}, optional
            DALL·E models; GPT image models always return ``b64_json``.
        output_format : {"png", "jpeg", "webp"}, optional
            GPT image models.
        output_compression : int, optional
            0–100, for jpeg and webp output (GPT image models).
        background : {"transparent", "opaque", "auto"}, optional
            GPT image models.
        moderation : {"low", "auto"}, optional
            Content moderation level (GPT image models).
        user : str, optional
            An end-user id for abuse monitoring.
        stream, partial_images : optional
            Streamed partial images are not supported by this client: ``stream=True`` is
            refused before sending.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        ImagesResponse
            ``data[i].url`` or ``data[i].b64_json``; shown inline in a notebook.
        """
        fields = given(prompt=prompt, model=model, n=n, size=size, quality=quality, style=style,
                       response_format=response_format, output_format=output_format,
                       output_compression=output_compression, background=background,
                       moderation=moderation, user=user, stream=stream,
                       partial_images=partial_images)
        validate_images("generate", fields.get("model"), fields)
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        spec = make_spec("POST", "/images/generations", options, json=fields, cast=ImagesResponse)
        return self._request(spec)

    def edit(
        self, *, image: FileInput | Sequence[FileInput], prompt: str,
        mask: FileInput | None | NotGiven = NOT_GIVEN, model: str | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN, size: str | None | NotGiven = NOT_GIVEN,
        response_format: str | None | NotGiven = NOT_GIVEN,
        quality: str | None | NotGiven = NOT_GIVEN, background: str | None | NotGiven = NOT_GIVEN,
        output_format: str | None | NotGiven = NOT_GIVEN,
        output_compression: int | None | NotGiven = NOT_GIVEN,
        input_fidelity: str | None | NotGiven = NOT_GIVEN,
        user: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ImagesResponse:
        """Edit an image (or several, for GPT image models) following a prompt.

        Parameters
        ----------
        image : path, bytes, file object, (name, bytes) tuple, or a list of those
            PNG, JPEG or WebP. A list (several images) needs the ``openai`` flavor.
        prompt : str
            The edit to make.
        mask : path, bytes, file object or tuple, optional
            A PNG whose transparent areas mark where to edit (``openai`` flavor only).
        model, n, size, response_format, quality, background, output_format
            As for :meth:`generate`; the model must support edits.
        output_compression : int, optional
            0–100, for jpeg and webp output (GPT image models).
        input_fidelity : {"high", "low"}, optional
            How closely to keep the input's features (gpt-image-1).
        user : str, optional
            An end-user id for abuse monitoring.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        ImagesResponse
        """
        fields = given(prompt=prompt, model=model, n=n, size=size,
                       response_format=response_format, quality=quality, background=background,
                       output_format=output_format, output_compression=output_compression,
                       input_fidelity=input_fidelity, user=user)
        validate_images("edit", fields.get("model"), fields)
        images = image if isinstance(image, list) else [image]
        if not images:
            raise ValueError("image must be an image file or a non-empty list of image files")
        uploads = [to_file_tuple(img, param="image") for img in images]
        for upload in uploads:
            validate_image_file("image", upload)
        mask_upload = None
        if mask is not None and mask is not NOT_GIVEN:
            mask_upload = to_file_tuple(mask, param="mask")
            validate_image_file("mask", mask_upload, png_only=True)
        return self._upload("/images/edits", fields, uploads, mask_upload, extra_body,
                            per_call(extra_headers, extra_query, None, timeout, max_retries))

    def create_variation(
        self, *, image: FileInput, model: str | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        size: str | None | NotGiven = NOT_GIVEN, response_format: str | None | NotGiven = NOT_GIVEN,
        user: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> ImagesResponse:
        """Create variations of an image (dall-e-2).

        Parameters
        ----------
        image : path, bytes, file object or (name, bytes) tuple
            A square PNG under 4 MB.
        model, n, size, response_format
            ``size`` in 256x256, 512x512, 1024x1024.
        user : str, optional
            An end-user id for abuse monitoring.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        ImagesResponse
        """
        fields = given(model=model, n=n, size=size, response_format=response_format, user=user)
        validate_images("variation", fields.get("model"), fields)
        upload = to_file_tuple(image, param="image")
        validate_image_file("image", upload, variation=True)
        return self._upload("/images/variations", fields, [upload], None, extra_body,
                            per_call(extra_headers, extra_query, None, timeout, max_retries))

    def _upload(self, path: str, fields: dict[str, Any], uploads: list[tuple[str, bytes, str]],
                mask: tuple[str, bytes, str] | None, extra_body: Body | None,
                options: dict[str, Any]) -> Any:
        """Send an edit or variation; ``extra_body`` joins the form fields, unchecked (fields
        this package does not know yet), and ``options`` are the other per-call options."""
        files = self._image_parts(uploads, mask)
        data = form_fields({**fields, **(extra_body or {})})
        spec = make_spec("POST", path, options, data=data, files=files, cast=ImagesResponse)
        return self._request(spec)

    def _image_parts(
        self, uploads: list[tuple[str, bytes, str]], mask: tuple[str, bytes, str] | None
    ) -> list[tuple[str, tuple[str, bytes, str]]]:
        if _flavor(self._requester) == "lowcodeapi":
            if len(uploads) > 1 or mask is not None:
                what = "a mask" if mask is not None else "several images"
                raise ValueError(
                    f"LowCodeAPI forwards a single file part, so {what} cannot be sent through "
                    "it; send one image without a mask, or use flavor='openai'"
                )
            return [("file", uploads[0])]
        parts = [("image", uploads[0])] if len(uploads) == 1 else \
            [("image[]", upload) for upload in uploads]
        if mask is not None:
            parts.append(("mask", mask))
        return parts
