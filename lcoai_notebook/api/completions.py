"""``client.completions``: legacy text completions (``POST /completions``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal, overload

from .._models import Result
from .._sse import Stream
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from ._resource import Resource, per_call
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

    # Overloads repeat the parameters on purpose: they type the result by stream.
    @overload
    def create(
        self, *, model: str, prompt: str | Sequence[str] | Sequence[int] | Sequence[Sequence[int]],
        stream: Literal[False] = False,
        best_of: int | None | NotGiven = NOT_GIVEN, echo: bool | None | NotGiven = NOT_GIVEN,
        frequency_penalty: float | None | NotGiven = NOT_GIVEN,
        logit_bias: Mapping[str, int] | None | NotGiven = NOT_GIVEN,
        logprobs: int | None | NotGiven = NOT_GIVEN, max_tokens: int | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        presence_penalty: float | None | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN,
        stop: str | Sequence[str] | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        suffix: str | None | NotGiven = NOT_GIVEN, temperature: float | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN, user: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Completion: ...

    @overload
    def create(
        self, *, model: str, prompt: str | Sequence[str] | Sequence[int] | Sequence[Sequence[int]],
        stream: Literal[True],
        best_of: int | None | NotGiven = NOT_GIVEN, echo: bool | None | NotGiven = NOT_GIVEN,
        frequency_penalty: float | None | NotGiven = NOT_GIVEN,
        logit_bias: Mapping[str, int] | None | NotGiven = NOT_GIVEN,
        logprobs: int | None | NotGiven = NOT_GIVEN, max_tokens: int | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        presence_penalty: float | None | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN,
        stop: str | Sequence[str] | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        suffix: str | None | NotGiven = NOT_GIVEN, temperature: float | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN, user: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Stream[Completion]: ...

    @overload
    def create(
        self, *, model: str, prompt: str | Sequence[str] | Sequence[int] | Sequence[Sequence[int]],
        stream: bool,
        best_of: int | None | NotGiven = NOT_GIVEN, echo: bool | None | NotGiven = NOT_GIVEN,
        frequency_penalty: float | None | NotGiven = NOT_GIVEN,
        logit_bias: Mapping[str, int] | None | NotGiven = NOT_GIVEN,
        logprobs: int | None | NotGiven = NOT_GIVEN, max_tokens: int | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        presence_penalty: float | None | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN,
        stop: str | Sequence[str] | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        suffix: str | None | NotGiven = NOT_GIVEN, temperature: float | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN, user: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Completion | Stream[Completion]: ...

    def create(
        self, *, model: str, prompt: str | Sequence[str] | Sequence[int] | Sequence[Sequence[int]],
        stream: bool = False,
        best_of: int | None | NotGiven = NOT_GIVEN, echo: bool | None | NotGiven = NOT_GIVEN,
        frequency_penalty: float | None | NotGiven = NOT_GIVEN,
        logit_bias: Mapping[str, int] | None | NotGiven = NOT_GIVEN,
        logprobs: int | None | NotGiven = NOT_GIVEN, max_tokens: int | None | NotGiven = NOT_GIVEN,
        n: int | None | NotGiven = NOT_GIVEN,
        presence_penalty: float | None | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN,
        stop: str | Sequence[str] | None | NotGiven = NOT_GIVEN,
        stream_options: Mapping[str, Any] | None | NotGiven = NOT_GIVEN,
        suffix: str | None | NotGiven = NOT_GIVEN, temperature: float | None | NotGiven = NOT_GIVEN,
        top_p: float | None | NotGiven = NOT_GIVEN, user: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> Completion | Stream[Completion]:
        """Complete a prompt (legacy API; ``gpt-3.5-turbo-instruct`` and similar models).

        Parameters
        ----------
        model : str
            The model id (unknown ids are passed through).
        prompt : str or list
            A string, a list of strings, a list of token ids or a list of token-id lists.
        stream : bool
            True returns a stream (iterable, closeable) of :class:`Completion` chunks.
        best_of : int, optional
            Generate this many server-side and return the best (0 to 20).
        echo : bool, optional
            Echo the prompt before the completion.
        frequency_penalty, presence_penalty : float, optional
            -2 to 2.
        logit_bias : dict of str to int, optional
            Token id to a bias from -100 to 100.
        logprobs : int, optional
            Log probabilities of this many most likely tokens (0 to 5).
        max_tokens : int, optional
            At most this many generated tokens.
        n : int, optional
            How many completions to generate.
        seed : int, optional
            Best-effort deterministic sampling.
        stop : str or list of str, optional
            Up to 4 sequences where generation stops.
        stream_options : dict, optional
            With ``stream=True``, e.g. ``{"include_usage": True}``.
        suffix : str, optional
            Text after the inserted completion.
        temperature : float, optional
            0 to 2.
        top_p : float, optional
            0 to 1.
        user : str, optional
            An end-user id for abuse monitoring.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

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
        body.update(given(
            best_of=best_of, echo=echo, frequency_penalty=frequency_penalty,
            logit_bias=logit_bias, logprobs=logprobs, max_tokens=max_tokens, n=n,
            presence_penalty=presence_penalty, seed=seed, stop=stop, stream_options=stream_options,
            suffix=suffix, temperature=temperature, top_p=top_p, user=user))
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        spec = make_spec("POST", "/completions", options, json=body, cast=Completion,
                         stream=stream)
        return self._request(spec)
