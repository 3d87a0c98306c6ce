"""``ImageGallery``: generate images from a prompt and keep them in a grid, newest first.

The model picker offers the image models of the one model table (:mod:`lcoai_notebook._catalog`)
that are not past their shutdown date, plus image models the service lists that the table does
not know (passed through, with free-form size and quality). Size, quality and ``n`` are offered
per model from the table.

Images arrive as ``b64_json`` or as a ``url``; URLs (http/https only) are downloaded at once,
because the service's links expire. Each card is HTML built from escaped text and
:func:`lcoai_notebook._render.safe_image_src` only; one card is one ``widgets.HTML`` so a new
generation sends only its own cards to the page, not the whole gallery again. The ipywidgets
``HTML`` widget has no click events, so enlarging uses real widgets: a button under each card and
a picker, both showing the chosen image large in a ``widgets.Image``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from .._catalog import known_models, model_info
from .._render import safe_image_src
from ._base import Panel, escape
from ._runner import running_loop

__all__ = ["GalleryImage", "ImageGallery", "image_format"]

#: Preferred default model, when the table still offers it.
DEFAULT_MODEL = "gpt-image-1-mini"
#: Suggestions for a model the table does not know (the service decides what it accepts).
FREE_SIZES = ("auto", "1024x1024", "1536x1024", "1024x1536")
FREE_QUALITIES = ("auto", "low", "medium", "high", "standard", "hd")
#: A download larger than this is refused (the API's own limit for image inputs is 50 MB).
MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024
_EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}
#: Per-call options of the client: not settings of an image, never recorded or shown.
_CALL_OPTIONS = frozenset({"timeout", "max_retries", "extra_headers", "extra_query",
                           "extra_body"})
_SUMMARY_LINES = 8
_IMAGE_KEYS = ("data", "bytes", "prompt", "revised_prompt", "settings", "mime", "url", "number",
               "created")


def image_format(data: bytes) -> str | None:
    """The image format of ``data`` from its magic bytes: ``"png"``, ``"jpeg"``, ``"webp"``,
    or None when it is none of those."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


def _slug(text: str, limit: int = 40) -> str:
    """A file-name-safe slug: ASCII letters and digits joined by ``-`` (never a path)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > limit:
            break
        slug = candidate
    return slug or (words[0][:limit] if words else "image")


@dataclass(frozen=True, eq=False)
class GalleryImage:
    """One generated image: its bytes, the prompt, the revised prompt and the settings.

    Attribute and item access both work (``image.prompt``, ``image["prompt"]``); ``bytes`` is
    another name for ``data``. ``data`` is empty only when a returned URL could not be downloaded
    (``url`` then keeps the link).
    """

    data: bytes
    prompt: str
    revised_prompt: str | None
    settings: dict[str, Any]
    mime: str | None
    url: str | None = None
    number: int = 0
    created: int | None = None

    @property
    def bytes(self) -> bytes:  # noqa: A003 - the name the gallery's callers read
        """The image file's bytes (same as ``data``)."""
        return self.data

    @property
    def format(self) -> str | None:  # noqa: A003
        """``"png"``, ``"jpeg"`` or ``"webp"`` (from the bytes), else None."""
        return image_format(self.data)

    @property
    def extension(self) -> str:
        """The file extension for the bytes' format (``png``, ``jpg``, ``webp``; ``bin`` if
        unknown)."""
        return _EXTENSIONS.get(self.format or "", "bin")

    def filename(self) -> str:
        """``image-<number>-<prompt slug>.<ext>``."""
        return f"image-{self.number:03d}-{_slug(self.prompt)}.{self.extension}"

    def __getitem__(self, key: str) -> Any:
        if key not in _IMAGE_KEYS:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: Any = None) -> Any:
        return getattr(self, key) if key in _IMAGE_KEYS else default

    def keys(self) -> tuple[str, ...]:
        return _IMAGE_KEYS

    def __iter__(self) -> Iterator[str]:
        return iter(_IMAGE_KEYS)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict (``bytes`` and ``data`` both hold the bytes)."""
        return {k: getattr(self, k) for k in _IMAGE_KEYS}

    def __repr__(self) -> str:
        size = self.settings.get("size") or "?"
        short = self.prompt if len(self.prompt) <= 40 else self.prompt[:39] + "…"
        return (f"<GalleryImage #{self.number} {self.settings.get('model')} {size} "
                f"{self.format or 'no bytes'} {len(self.data):,} B prompt={short!r}>")


def _as_date(today: Any) -> _dt.date | None:
    if today is None:
        return None
    if isinstance(today, _dt.datetime):
        return today.date()
    if isinstance(today, _dt.date):
        return today
    if isinstance(today, str):
        try:
            return _dt.date.fromisoformat(today)
        except ValueError:
            raise ValueError(f"today must be a date or an ISO date such as '2026-12-01' "
                             f"(got {today!r})") from None
    raise TypeError(f"today must be a datetime.date, an ISO date string or None "
                    f"(got {type(today).__name__})")


def _retired(shutdown: Any, today: _dt.date) -> bool:
    """True when ``shutdown`` (an ISO date) is today or earlier."""
    if not isinstance(shutdown, str):
        return False
    try:
        return _dt.date.fromisoformat(shutdown[:10]) <= today
    except ValueError:
        return False


def _looks_like_image_model(model_id: str) -> bool:
    # The service's list carries no kind; image models have "image" or "dall-e" in their ids.
    lowered = model_id.lower()
    return "image" in lowered or lowered.startswith("dall-e")


def _default_choice(options: Sequence[str], preferred: Sequence[str]) -> str | None:
    for value in preferred:
        if value in options:
            return value
    return options[0] if options else None


class ImageGallery(Panel):
    """Generate images and keep them in a grid, newest first; enlarge one; save to a folder.

    Parameters
    ----------
    client : Client or AsyncClient, optional
        Defaults to :func:`lcoai_notebook.connect`.
    today : datetime.date or str, optional
        The date models are checked against (models on or past their shutdown date are not
        offered); defaults to today's date.
    http_client : httpx.Client or httpx.AsyncClient, optional
        Used only to download images returned as ``url``; a plain ``httpx.Client`` by default.
    folder : str or Path
        The initial folder of the save controls.
    list_models : bool
        Ask the service (``models.list``) for image models the table does not know.
    **kwargs
        Passed to ``ipywidgets.VBox``.

    Examples
    --------
    >>> gallery = lco.ImageGallery()                        # doctest: +SKIP
    >>> images = gallery.generate("a lighthouse at dusk")   # doctest: +SKIP
    >>> gallery.save("out")                                 # doctest: +SKIP
    """

    title = "Image gallery"

    def __init__(self, client: Any = None, *, today: Any = None, http_client: Any = None,
                 folder: str | Path = "images", list_models: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(client, **kwargs)
        self._today = _as_date(today)
        self._http = http_client
        self._owns_http = http_client is None
        self._images: list[GalleryImage] = []
        self._count = 0
        self._listed: dict[str, dict[str, Any]] = {}
        # With an AsyncClient in a running loop (a notebook cell) the listing runs as a task on
        # that loop once the controls exist; otherwise now.
        later = list_models and self.runner.is_async and running_loop() is not None
        if list_models and not later:
            self._listed = self._list_service_models()

        self._prompt = widgets.Textarea(placeholder="Describe the image…", rows=3,
                                        layout=widgets.Layout(width="100%"))
        self._model = widgets.Dropdown(description="model",
                                       layout=widgets.Layout(width="260px"))
        self._size = widgets.Dropdown(description="size", layout=widgets.Layout(width="200px"))
        self._size_free = widgets.Combobox(description="size", options=FREE_SIZES,
                                           placeholder="auto or WxH", ensure_option=False,
                                           layout=widgets.Layout(width="200px"))
        self._quality = widgets.Dropdown(description="quality",
                                         layout=widgets.Layout(width="180px"))
        self._quality_free = widgets.Combobox(description="quality", options=FREE_QUALITIES,
                                              placeholder="service default",
                                              ensure_option=False,
                                              layout=widgets.Layout(width="180px"))
        self._n = widgets.BoundedIntText(value=1, min=1, max=10, description="n",
                                         style={"description_width": "initial"},
                                         layout=widgets.Layout(width="90px"))
        self._generate_button = widgets.Button(description="Generate", button_style="primary",
                                               icon="image")
        self._generate_button.on_click(self._on_generate)

        self._grid = widgets.GridBox(layout=widgets.Layout(
            grid_template_columns="repeat(auto-fill, minmax(200px, 1fr))", grid_gap="8px",
            max_height="640px", overflow="auto", width="100%"))
        self._grid.add_class("lco-grid")
        self._cards: dict[int, tuple[widgets.VBox, widgets.HTML]] = {}

        self._pick = widgets.Dropdown(description="enlarge", options=[],
                                      layout=widgets.Layout(width="360px"))
        self._pick.observe(self._on_pick, names="value")
        self._large = widgets.Image(layout=widgets.Layout(max_width="min(100%, 640px)",
                                                          width="auto"))
        self._large_caption = widgets.HTML("")
        self._folder = widgets.Text(value=str(folder), description="folder",
                                    layout=widgets.Layout(width="320px"))
        self._save_one_button = widgets.Button(description="Save selected", icon="download")
        self._save_all_button = widgets.Button(description="Save all", icon="download")
        self._save_one_button.on_click(self._on_save_one)
        self._save_all_button.on_click(self._on_save_all)
        self._viewer = widgets.VBox([
            widgets.HBox([self._pick]), self._large, self._large_caption,
            widgets.HBox([self._folder, self._save_one_button, self._save_all_button]),
        ], layout=widgets.Layout(display="none"))

        self._model.options = self._model_options()
        self._model.observe(self._on_model, names="value")
        ids = [value for _, value in self._model.options]
        self._model.value = _default_choice(ids, (DEFAULT_MODEL,))
        self._apply_model(self._model.value)
        self._layout(
            self._prompt,
            widgets.HBox([self._model, self._size, self._size_free, self._quality,
                          self._quality_free, self._n, self._generate_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self._grid,
            self._viewer,
        )
        if later:
            self._soon(self._list_later, "listing models")

    # -- models --------------------------------------------------------------------------------
    @property
    def today(self) -> _dt.date:
        """The date models are checked against."""
        return self._today or _dt.date.today()

    def _list_service_models(self) -> dict[str, dict[str, Any]]:
        """Image models the service lists that the table does not know (empty on any error:
        the table's models are still offered)."""
        async def fetch() -> Any:
            return await self.runner.call(self.client.models.list)

        try:
            listing = self.runner.run(fetch)
        except Exception:  # noqa: BLE001 - a listing failure only narrows the choice
            return {}
        return self._image_models_in(listing)

    async def _list_later(self) -> None:
        listing = await self._call(self.client.models.list)
        self._listed = self._image_models_in(listing)
        current = self._model.value
        self._model.options = self._model_options()
        ids = [value for _, value in self._model.options]
        self._model.value = current if current in ids else _default_choice(ids, (DEFAULT_MODEL,))

    @staticmethod
    def _image_models_in(listing: Any) -> dict[str, dict[str, Any]]:
        """Image models in a ``models.list()`` result that the table does not know."""
        found: dict[str, dict[str, Any]] = {}
        table = known_models()
        for item in listing:
            row = item.to_dict() if hasattr(item, "to_dict") else dict(item)
            model_id = row.get("id")
            if isinstance(model_id, str) and model_id not in table and \
                    _looks_like_image_model(model_id):
                found[model_id] = row
        return found

    def offered_models(self) -> list[str]:
        """Ids of the models the picker offers: the table's image models not past their
        shutdown date, then the service's image models the table does not know."""
        today = self.today
        ids = [m for m, row in known_models().items()
               if row.get("kind") == "image" and not _retired(row.get("shutdown_date"), today)]
        ids += sorted(m for m, row in self._listed.items()
                      if not _retired(row.get("shutdown_date"), today))
        return ids

    def _model_options(self) -> list[tuple[str, str]]:
        options = []
        for model in self.offered_models():
            row = model_info(model)
            label = model
            if row is None:
                label = f"{model} (not in the table)"
            elif row.get("shutdown_date"):
                label = f"{model} · retires {row['shutdown_date']}"
            options.append((label, model))
        return options

    def _on_model(self, change: dict[str, Any]) -> None:
        self._apply_model(change["new"])

    def _apply_model(self, model: str | None) -> None:
        """Offer the chosen model's sizes, qualities and n; free-form for an unknown model."""
        row = model_info(model)
        if row is None:
            self._size.layout.display = "none"
            self._size_free.layout.display = None
            self._quality.layout.display = "none"
            self._quality_free.layout.display = None
            self._n.max, self._n.disabled = 10, False
            return
        self._size_free.layout.display = "none"
        self._quality_free.layout.display = "none"
        sizes = list(row.get("sizes") or ())
        self._size.layout.display = None if sizes else "none"
        self._size.options = sizes
        self._size.value = _default_choice(sizes, ("auto", "1024x1024"))
        self._size.disabled = len(sizes) <= 1
        qualities = list(row.get("qualities") or ())
        self._quality.layout.display = None if qualities else "none"
        self._quality.options = qualities
        self._quality.value = _default_choice(qualities, ("auto",))
        self._quality.disabled = len(qualities) <= 1
        max_n = int(row.get("max_n") or 10)
        self._n.max = max_n
        self._n.value = min(self._n.value, max_n)
        self._n.disabled = max_n == 1

    def _control_params(self) -> dict[str, Any]:
        """The parameters the controls show for the chosen model (empty ones left out)."""
        model = self._model.value
        params: dict[str, Any] = {"model": model}
        if model_info(model) is None:
            params["size"] = self._size_free.value.strip() or None
            params["quality"] = self._quality_free.value.strip() or None
        else:
            params["size"] = self._size.value if self._size.layout.display != "none" else None
            params["quality"] = (self._quality.value
                                 if self._quality.layout.display != "none" else None)
        params["n"] = self._n.value
        return {k: v for k, v in params.items() if v is not None}

    def _merge_params(self, params: dict[str, Any]) -> dict[str, Any]:
        """A twin's parameters over the controls' values; the controls' size, quality and n
        apply only when the twin uses the model the picker shows."""
        merged = dict(params)
        controls = self._control_params()
        model = merged.setdefault("model", controls.get("model"))
        if model == controls.get("model"):
            for name in ("size", "quality", "n"):
                if name in controls:
                    merged.setdefault(name, controls[name])
        return {k: v for k, v in merged.items() if v is not None}

    # -- generating ----------------------------------------------------------------------------
    def _busy_controls(self) -> Iterable[widgets.Widget]:
        return (self._generate_button,)

    def _on_generate(self, _button: Any = None) -> Any:
        prompt = self._prompt.value
        params = self._control_params()
        return self._gesture(lambda: self._generate(prompt, params), "generating")

    def generate(self, prompt: str, **params: Any) -> list[GalleryImage]:
        """Generate images, add them to the front of the gallery and return them.

        Parameters
        ----------
        prompt : str
            What to draw.
        **params
            ``model``, ``size``, ``quality``, ``n``, ``style``, ``response_format``,
            ``output_format`` ... as for ``client.images.generate``. ``model`` defaults to the
            picker's; ``size``, ``quality`` and ``n`` default to the controls' when the model is
            the picker's.

        Returns
        -------
        list of GalleryImage
            The new images, in the service's order (each with ``bytes``, ``prompt``,
            ``revised_prompt``, ``settings``, ``mime``).

        Raises
        ------
        ValueError, TypeError
            A bad parameter (named in the message), before anything is sent.
        lcoai_notebook.APIError
            The service's error; the panel shows it as one line too.
        """
        merged = self._merge_params(params)
        return self._twin(lambda: self._generate(prompt, merged), "generating")

    async def _generate(self, prompt: str, params: dict[str, Any]) -> list[GalleryImage]:
        resp = await self._call(self.client.images.generate, prompt=prompt, **params)
        body = resp.to_dict() if hasattr(resp, "to_dict") else dict(resp)
        self._add_usage(body.get("usage"))
        settings = {k: v for k, v in params.items() if k not in _CALL_OPTIONS and k != "n"}
        settings.setdefault("model", None)
        # The GPT image models report the size and quality they used ("auto" resolved).
        for name in ("size", "quality", "output_format", "background"):
            if body.get(name) is not None:
                settings[name] = body[name]
        settings.setdefault("size", None)
        settings.setdefault("quality", None)
        items = [item for item in body.get("data") or [] if isinstance(item, dict)]
        failures: list[str] = []
        new: list[GalleryImage] = []
        for offset, item in enumerate(items):
            data, url, problem = await self._item_bytes(item)
            if problem:
                failures.append(problem)
            fmt = image_format(data)
            new.append(GalleryImage(
                data=data, prompt=prompt,
                revised_prompt=item.get("revised_prompt") or None,
                settings=dict(settings), mime=f"image/{fmt}" if fmt else None, url=url,
                number=self._count + len(items) - offset, created=body.get("created")))
        self._count += len(items)
        self._add_images(new)
        if failures:
            self._notice(f"{len(failures)} image(s) kept without their bytes: {failures[0]}")
        return new

    async def _item_bytes(self, item: dict[str, Any]) -> tuple[bytes, str | None, str]:
        """``(bytes, url, problem)`` for one item of ``data``."""
        b64 = item.get("b64_json")
        if isinstance(b64, str) and b64:
            try:
                data = base64.b64decode(b64)
            except (binascii.Error, ValueError):
                return b"", None, "the service sent b64_json that is not base64"
            if image_format(data) is None:
                return b"", None, "the service sent bytes that are not a PNG, JPEG or WebP image"
            return data, None, ""
        url = item.get("url")
        if not isinstance(url, str) or not url.strip().lower().startswith(("http://",
                                                                           "https://")):
            return b"", None, "the service sent no image, or a URL that is not http(s)"
        url = url.strip()
        try:
            data = await self._download(url)
        except Exception as exc:  # noqa: BLE001 - the image is kept with its URL
            return b"", url, f"could not download it ({type(exc).__name__}: {exc})"
        if image_format(data) is None:
            return b"", url, "the URL did not return a PNG, JPEG or WebP image"
        return data, url, ""

    async def _download(self, url: str) -> bytes:
        import httpx

        if self._http is None:
            self._http = httpx.Client(timeout=60.0, follow_redirects=True)
        if isinstance(self._http, httpx.AsyncClient):
            response = await self._http.get(url)
        else:
            response = await asyncio.to_thread(self._http.get, url)
        response.raise_for_status()
        if len(response.content) > MAX_DOWNLOAD_BYTES:
            raise ValueError(f"the image is larger than {MAX_DOWNLOAD_BYTES // 2**20} MB")
        return response.content

    # -- the grid and the large view -----------------------------------------------------------
    @property
    def images(self) -> list[GalleryImage]:
        """Every image of this gallery, newest first."""
        return list(self._images)

    @property
    def grid_html(self) -> str:
        """The HTML of the cards as the page shows them, newest first."""
        return "\n".join(self._cards[img.number][1].value for img in self._images)

    def _card_html(self, image: GalleryImage) -> str:
        src = safe_image_src(image.url if not image.data else None,
                             base64.b64encode(image.data).decode("ascii") if image.data else None,
                             image.mime or "image/png")
        s = image.settings
        picture = (f'<img src="{src}" alt="{escape(image.prompt[:120])}" loading="lazy">'
                   if src else '<div class="lco-muted">(image not available)</div>')
        meta = " · ".join(escape(v) for v in (f"#{image.number}", s.get("model") or "default",
                                              s.get("size") or "default size",
                                              s.get("quality") or "default quality"))
        revised = (f'<div class="lco-muted">revised: {escape(image.revised_prompt)}</div>'
                   if image.revised_prompt else "")
        return (f'{picture}<div class="lco-muted">{meta}</div>'
                f'<div>{escape(image.prompt)}</div>{revised}')

    def _make_card(self, image: GalleryImage) -> widgets.VBox:
        body = widgets.HTML(self._card_html(image))
        button = widgets.Button(description=f"Enlarge #{image.number}", icon="search-plus",
                                layout=widgets.Layout(width="auto"))
        number = image.number
        button.on_click(lambda _b: self._select(number))
        card = widgets.VBox([body, button])
        card.add_class("lco-card")
        self._cards[number] = (card, body)
        return card

    def _add_images(self, new: list[GalleryImage]) -> None:
        if not new:
            return
        self._images = new + self._images
        cards = [self._make_card(image) for image in new]
        self._grid.children = (*cards, *self._grid.children)
        self._pick.options = [(self._pick_label(img), img.number) for img in self._images]
        self._viewer.layout.display = None
        self._select(new[0].number)

    @staticmethod
    def _pick_label(image: GalleryImage) -> str:
        short = " ".join(image.prompt.split())
        short = short if len(short) <= 40 else short[:39] + "…"
        return f"#{image.number} · {short}"

    def _find(self, number: int) -> GalleryImage | None:
        return next((img for img in self._images if img.number == number), None)

    def _select(self, number: int) -> None:
        if self._pick.value == number:
            self._show_large(number)
        else:
            self._pick.value = number  # the observer shows it

    def _on_pick(self, change: dict[str, Any]) -> None:
        if change["new"] is not None:
            self._show_large(change["new"])

    def _show_large(self, number: int) -> None:
        image = self._find(number)
        if image is None:
            return
        self._large.format = image.format or "png"
        self._large.value = image.data
        s = image.settings
        lines = [f"#{image.number} · {s.get('model') or 'default'} · "
                 f"{s.get('size') or 'default size'} · {s.get('quality') or 'default quality'}",
                 image.prompt]
        if image.revised_prompt:
            lines.append(f"revised: {image.revised_prompt}")
        if not image.data and image.url:
            lines.append("(not downloaded; the link may expire)")
        self._large_caption.value = "".join(
            f'<div class="{"lco-muted" if i != 1 else ""}">{escape(line)}</div>'
            for i, line in enumerate(lines))

    @property
    def selected(self) -> GalleryImage | None:
        """The image shown large, if any."""
        return self._find(self._pick.value) if self._pick.value is not None else None

    # -- saving --------------------------------------------------------------------------------
    def save(self, folder: str | Path, which: Any = None) -> list[Path]:
        """Write images to ``folder`` (created if missing) and return the paths.

        Files are named ``image-<number>-<prompt slug>.<ext>``, the extension from the bytes'
        format (png, jpg, webp).

        Parameters
        ----------
        folder : str or Path
        which : int, GalleryImage, or a list of those, optional
            Positions in :attr:`images` (0 is the newest) or the images themselves; all images
            (that have bytes) when None.

        Returns
        -------
        list of pathlib.Path
        """
        if not isinstance(folder, (str, Path)) or not str(folder).strip():
            raise TypeError(f"folder must be a non-empty str or Path (got {folder!r})")
        chosen = self._choose(which)
        target = Path(folder).expanduser()
        target.mkdir(parents=True, exist_ok=True)
        paths = []
        for image in chosen:
            path = target / image.filename()
            path.write_bytes(image.data)
            paths.append(path)
        return paths

    def _choose(self, which: Any) -> list[GalleryImage]:
        if which is None:
            return [img for img in self._images if img.data]
        items = which if isinstance(which, (list, tuple)) else [which]
        chosen = []
        for item in items:
            if isinstance(item, GalleryImage):
                image = item
            elif isinstance(item, int) and not isinstance(item, bool):
                if not -len(self._images) <= item < len(self._images):
                    raise ValueError(f"which must be a position in images, 0 to "
                                     f"{len(self._images) - 1} (got {item})")
                image = self._images[item]
            else:
                raise TypeError(f"which must be an int position, a GalleryImage, a list of "
                                f"those, or None (got {type(item).__name__})")
            if not image.data:
                raise ValueError(f"which: image #{image.number} has no bytes (its URL could "
                                 "not be downloaded)")
            chosen.append(image)
        return chosen

    def _save_gesture(self, which: Any) -> None:
        self._clear_error()
        try:
            paths = self.save(self._folder.value.strip(), which)
        except Exception as exc:  # noqa: BLE001 - shown as the panel's one-line error
            self._show_error(exc)
            return
        where = paths[0].parent.resolve() if paths else self._folder.value
        self._notice(f"Saved {len(paths)} file(s) to {where}")

    def _on_save_one(self, _button: Any = None) -> None:
        image = self.selected
        if image is None:
            self._notice("Nothing selected to save.")
            return
        self._save_gesture(image)

    def _on_save_all(self, _button: Any = None) -> None:
        self._save_gesture(None)

    # -- the rest ------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the widgets and the download client this panel made."""
        if self._owns_http and self._http is not None:
            self._http.close()
            self._http = None
        super().close()

    def _text_summary(self) -> str:
        n = len(self._images)
        head = (f"ImageGallery: {n} image{'s' if n != 1 else ''} (newest first), "
                f"model {self._model.value or 'none'}")
        lines = [head]
        for image in self._images[:_SUMMARY_LINES]:
            s = image.settings
            lines.append(f"  #{image.number} {s.get('model') or 'default'} "
                         f"{s.get('size') or '-'} {s.get('quality') or '-'}: {image.prompt}")
            if image.revised_prompt:
                lines.append(f"      revised: {image.revised_prompt}")
        if n > _SUMMARY_LINES:
            lines.append(f"  … and {n - _SUMMARY_LINES} more")
        if self.error:
            lines.append(f"  error: {self.error}")
        return "\n".join(lines)
