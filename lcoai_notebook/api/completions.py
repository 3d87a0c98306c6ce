"""``client.completions``: legacy text completions (``POST /completions``)."""

from __future__ import annotations

from typing import Any

from .._models import Result
from ._resource import Resource
from ._spec import make_spec, require_str

__all__ = ["Completion", "Completions"]


class Completion(Result):
    """A ``text_completion`` (or one chunk of a stream); ``.text`` is the first choice's text."""

    __slots__ = ()

    @property
    def text(self) -> str:
        choices = self._data.get("choices") or []
        return (choices[0].get("text") or "") if choices else ""


def _check_prompt(prompt: Any) -> None:
    # OpenAI accepts a string, a list of strings, a list of token ids, or a list of such lists.
    if isinstance(prompt, str):
        return
    if isinstance(prompt, (list, tuple)) and prompt:
        if all(isinstance(p, str) for p in prompt):
            return
        if all(isinstance(p, int) and not isinstance(p, bool) for p in prompt):
            return
        if all(isinstance(p, (list, tuple)) and p and all(
                isinstance(t, int) and not isinstance(t, bool) for t in p) for p in prompt):
            return
    raise TypeError(
        "prompt must be a string, a list of strings, a list of token ids or a list of token-id "
        f"lists, got {prompt!r:.80}"
    )


class Completions(Resource):
    """Legacy completions: ``create(model=..., prompt=...)``."""

    def create(
        self,
        *,
        model: str,
        prompt: Any,
        stream: bool = False,
        **params: Any,
    ) -> Any:
        """Complete a prompt (legacy API; ``gpt-3.5-turbo-instruct`` and similar models).

        Parameters
        ----------
        model : str
            The model id (unknown ids are passed through).
        prompt : str or list
            A string, a list of strings, a list of token ids or a list of token-id lists.
        stream : bool
            True returns a stream (iterable, closeable) of :class:`Completion` chunks.
        **params
            Other API fields (``max_tokens``, ``temperature``, ``n``, ``stop``, ``echo``,
            ``suffix``, ``logprobs``, ``seed``, ...) and the per-call options (``timeout``,
            ``max_retries``, ``extra_headers``, ``extra_query``, ``extra_body``).

        Returns
        -------
        Completion or Stream of Completion

        Examples
        --------
        >>> client.completions.create(model="gpt-3.5-turbo-instruct",
        ...                           prompt="Say hi").text  # doctest: +SKIP
        """
        require_str(model, "model")
        _check_prompt(prompt)
        if not isinstance(stream, bool):
            raise TypeError(f"stream must be True or False, got {stream!r}")
        body: dict[str, Any] = {"model": model, "prompt": prompt}
        if stream:
            body["stream"] = True
        spec = make_spec("POST", "/completions", params, json=body, cast=Completion,
                         stream=stream)
        return self._request(spec)
