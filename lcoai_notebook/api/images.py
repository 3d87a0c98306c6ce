"""``client.images``: generate, edit, and create variations.

Edits and variations are multipart uploads. OpenAI names the parts ``image`` (``image[]`` for
several) and ``mask``; LowCodeAPI forwards exactly one file part and it must be named ``file``, so
under the ``lowcodeapi`` flavor the image travels as ``file`` and a mask or a second image cannot be
sent at all (we say so before sending rather than let the proxy answer 422 "File missing").
"""

from __future__ import annotations

from typing import Any

from .._http import RequestSpec
from .._models import ImagesResponse
from .._validate_media import validate_image_file, validate_images
from ._files_arg import form_fields, to_file_tuple
from ._resource import Resource, call_options

__all__ = ["Images"]


def _flavor(requester: Any) -> str:
    return getattr(requester, "flavor", "lowcodeapi")


class Images(Resource):
    """``/images/generations``, ``/images/edits``, ``/images/variations``."""

    def generate(self, *, prompt: str, model: str | None = None, n: int | None = None,
                 size: str | None = None, quality: str | None = None, style: str | None = None,
                 response_format: str | None = None, **params: Any) -> Any:
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
        quality, style, response_format : str, optional
            ``quality`` in standard, hd, low, medium, high, auto; ``style`` vivid or natural
            (dall-e-3); ``response_format`` url or b64_json (DALL·E).
        **params
            ``output_format``, ``output_compression``, ``background``, ``moderation``, ``user``
            ..., and the per-call options (``timeout``, ``max_retries``, ``extra_headers``,
            ``extra_query``, ``extra_body``).

        Returns
        -------
        ImagesResponse
            ``data[i].url`` or ``data[i].b64_json``; shown inline in a notebook.
        """
        extra_body = params.pop("extra_body", None)
        options = call_options(params)
        fields = {"prompt": prompt, "model": model, "n": n, "size": size, "quality": quality,
                  "style": style, "response_format": response_format, **params}
        fields = {k: v for k, v in fields.items() if v is not None}
        validate_images("generate", model, fields)
        if extra_body:
            fields.update(extra_body)
        spec = RequestSpec("POST", "/images/generations", json=fields, cast=ImagesResponse,
                           **options)
        return self._request(spec)

    def edit(self, *, image: Any, prompt: str, mask: Any = None, model: str | None = None,
             n: int | None = None, size: str | None = None, response_format: str | None = None,
             **params: Any) -> Any:
        """Edit an image (or several, for GPT image models) following a prompt.

        Parameters
        ----------
        image : path, bytes, file object, (name, bytes) tuple, or a list of those
            PNG, JPEG or WebP. A list (several images) needs the ``openai`` flavor.
        prompt : str
            The edit to make.
        mask : path, bytes, file object or tuple, optional
            A PNG whose transparent areas mark where to edit (``openai`` flavor only).
        model, n, size, response_format
            As for :meth:`generate`; the model must support edits.
        **params
            ``quality``, ``background``, ``output_format``, ``input_fidelity``, ``user`` ..., and
            the per-call options.

        Returns
        -------
        ImagesResponse
        """
        extra_body = params.pop("extra_body", None)
        options = call_options(params)
        fields = {"prompt": prompt, "model": model, "n": n, "size": size,
                  "response_format": response_format, **params}
        fields = {k: v for k, v in fields.items() if v is not None}
        validate_images("edit", model, fields)
        images = image if isinstance(image, list) else [image]
        if not images:
            raise ValueError("image must be an image file or a non-empty list of image files")
        uploads = [to_file_tuple(img, param="image") for img in images]
        for upload in uploads:
            validate_image_file("image", upload)
        mask_upload = None
        if mask is not None:
            mask_upload = to_file_tuple(mask, param="mask")
            validate_image_file("mask", mask_upload, png_only=True)
        files = self._image_parts(uploads, mask_upload)
        if extra_body:
            fields.update(extra_body)
        spec = RequestSpec("POST", "/images/edits", data=form_fields(fields), files=files,
                           cast=ImagesResponse, **options)
        return self._request(spec)

    def create_variation(self, *, image: Any, model: str | None = None, n: int | None = None,
                         size: str | None = None, response_format: str | None = None,
                         **params: Any) -> Any:
        """Create variations of an image (dall-e-2).

        Parameters
        ----------
        image : path, bytes, file object or (name, bytes) tuple
            A square PNG under 4 MB.
        model, n, size, response_format
            ``size`` in 256x256, 512x512, 1024x1024.
        **params
            ``user``, and the per-call options.

        Returns
        -------
        ImagesResponse
        """
        extra_body = params.pop("extra_body", None)
        options = call_options(params)
        fields = {"model": model, "n": n, "size": size, "response_format": response_format,
                  **params}
        fields = {k: v for k, v in fields.items() if v is not None}
        validate_images("variation", model, fields)
        upload = to_file_tuple(image, param="image")
        validate_image_file("image", upload, variation=True)
        files = self._image_parts([upload], None)
        if extra_body:
            fields.update(extra_body)
        spec = RequestSpec("POST", "/images/variations", data=form_fields(fields), files=files,
                           cast=ImagesResponse, **options)
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
