"""``client.fine_tuning.jobs``: create, list, retrieve, cancel, events, checkpoints, ``wait``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._models import FineTuningJob, FineTuningJobCheckpoint, FineTuningJobEvent
from .._pagination import SyncPage, paginate
from .._progress import check_polling, poll_flow, progress_bar, run_flow
from .._types import NOT_GIVEN, Body, Headers, NotGiven, Query, TimeoutArg, given
from ._resource import Resource, per_call
from ._spec import check_list_args, make_spec, require_id, require_str

__all__ = ["Checkpoints", "FineTuning", "Jobs", "JOB_TERMINAL_STATUSES"]

JOB_TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})
_JOB_PATH = "/fine_tuning/jobs/{fine_tuning_job_id}"


def _job_params(job_id: Any) -> dict[str, str]:
    return {"fine_tuning_job_id": require_id(job_id, "fine_tuning_job_id")}


class Checkpoints(Resource):
    """``jobs.checkpoints.list(job_id)`` (as in the official SDK); calling it does the same."""

    def list(
        self, fine_tuning_job_id: str, *, after: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[FineTuningJobCheckpoint]:
        """List a job's checkpoints (``fine_tuning.job.checkpoint``), newest first; auto-paginates.

        Parameters
        ----------
        fine_tuning_job_id : str
            The job.
        after : str, optional
            A checkpoint id to start after.
        limit : int, optional
            Page size (OpenAI's default is 10).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        SyncPage of FineTuningJobCheckpoint
            Under ``AsyncClient`` an ``AsyncPager``.
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return _list_under_job(self._requester, "/checkpoints", fine_tuning_job_id, after, limit,
                               options, FineTuningJobCheckpoint)

    __call__ = list


class Jobs(Resource):
    """Fine-tuning jobs. ``jobs.checkpoints.list(job_id)`` lists checkpoints; so do
    ``jobs.checkpoints(job_id)`` and ``jobs.list_checkpoints(job_id)``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.checkpoints = Checkpoints(requester)

    def create(
        self, *, model: str, training_file: str,
        hyperparameters: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        integrations: Sequence[Mapping[str, Any]] | None | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        method: Mapping[str, Any] | NotGiven = NOT_GIVEN,
        seed: int | None | NotGiven = NOT_GIVEN, suffix: str | None | NotGiven = NOT_GIVEN,
        validation_file: str | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """Start a fine-tuning job.

        Parameters
        ----------
        model : str
            The base model (e.g. ``"gpt-4.1-mini-2025-04-14"``).
        training_file : str
            The id of an uploaded file with ``purpose="fine-tune"`` (JSONL of chat examples).
        hyperparameters : dict, optional
            Deprecated by OpenAI in favour of ``method``: ``{"n_epochs", "batch_size",
            "learning_rate_multiplier"}``.
        integrations : list of dict, optional
            E.g. ``[{"type": "wandb", "wandb": {"project": ...}}]``.
        metadata : dict of str to str, optional
            Up to 16 pairs stored with the job.
        method : dict, optional
            ``{"type": "supervised" | "dpo" | "reinforcement", "supervised": {...}}``.
        seed : int, optional
            For a reproducible job.
        suffix : str, optional
            Up to 64 characters, added to the fine-tuned model's name.
        validation_file : str, optional
            Another uploaded file id, for validation metrics.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        FineTuningJob
            The ``fine_tuning.job`` (status ``validating_files`` at first).
        """
        require_str(model, "model")
        require_id(training_file, "training_file")
        fields = given(hyperparameters=hyperparameters, integrations=integrations,
                       metadata=metadata, method=method, seed=seed, suffix=suffix,
                       validation_file=validation_file)
        if "validation_file" in fields:
            require_id(fields["validation_file"], "validation_file")
        suffix = fields.get("suffix")
        if suffix is not None and (not isinstance(suffix, str) or not 1 <= len(suffix) <= 64):
            raise ValueError(f"suffix must be a string of 1 to 64 characters, got {suffix!r}")
        body = {"model": model, "training_file": training_file, **fields}
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        # JSON, as OpenAI takes it (LowCodeAPI's definition marks this route as an upload, which
        # looks like a mistake in the definition; see reference 1.6).
        return self._request(make_spec("POST", "/fine_tuning/jobs", options, json=body,
                                       cast=FineTuningJob))

    def list(
        self, *, after: str | NotGiven = NOT_GIVEN, limit: int | NotGiven = NOT_GIVEN,
        metadata: Mapping[str, str] | None | NotGiven = NOT_GIVEN,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        extra_body: Body | None = None, timeout: TimeoutArg | NotGiven = NOT_GIVEN,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[FineTuningJob]:
        """List jobs, newest first; iterating the result walks every page.

        Parameters
        ----------
        after : str, optional
            A job id to start after.
        limit : int, optional
            Page size (OpenAI's default is 20).
        metadata : dict, optional
            Only jobs whose metadata has these key/value pairs.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        SyncPage of FineTuningJob
            Under ``AsyncClient`` an ``AsyncPager``.
        """
        query: dict[str, Any] = given(after=after, limit=limit)
        check_list_args(query.get("limit"), max_limit=None)
        for key, value in (given(metadata=metadata).get("metadata") or {}).items():
            query[f"metadata[{key}]"] = value
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return paginate(self._requester, make_spec("GET", "/fine_tuning/jobs", options,
                                                   query=query), FineTuningJob)

    def retrieve(
        self, fine_tuning_job_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """The ``fine_tuning.job`` object.

        Parameters
        ----------
        fine_tuning_job_id : str
            The job.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        FineTuningJob
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("GET", _JOB_PATH, options, cast=FineTuningJob,
                                       path_params=_job_params(fine_tuning_job_id)))

    def cancel(
        self, fine_tuning_job_id: str, *, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """Cancel a job.

        Parameters
        ----------
        fine_tuning_job_id : str
            The job.
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout
            and retry budget (unset: the client's); ``extra_body`` is merged into the body.

        Returns
        -------
        FineTuningJob
            The job (status ``cancelled``).
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return self._request(make_spec("POST", _JOB_PATH + "/cancel", options,
                                       cast=FineTuningJob,
                                       path_params=_job_params(fine_tuning_job_id)))

    def list_events(
        self, fine_tuning_job_id: str, *, after: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[FineTuningJobEvent]:
        """List a job's events (messages and training metrics), newest first; auto-paginates.

        Parameters
        ----------
        fine_tuning_job_id : str
            The job.
        after : str, optional
            An event id to start after.
        limit : int, optional
            Page size (OpenAI's default is 20).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        SyncPage of FineTuningJobEvent
            Under ``AsyncClient`` an ``AsyncPager``.
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return _list_under_job(self._requester, "/events", fine_tuning_job_id, after, limit,
                               options, FineTuningJobEvent)

    def list_checkpoints(
        self, fine_tuning_job_id: str, *, after: str | NotGiven = NOT_GIVEN,
        limit: int | NotGiven = NOT_GIVEN, extra_headers: Headers | None = None,
        extra_query: Query | None = None, extra_body: Body | None = None,
        timeout: TimeoutArg | NotGiven = NOT_GIVEN, max_retries: int | NotGiven = NOT_GIVEN,
    ) -> SyncPage[FineTuningJobCheckpoint]:
        """Same as ``jobs.checkpoints.list(fine_tuning_job_id, ...)``.

        Parameters
        ----------
        fine_tuning_job_id : str
            The job.
        after : str, optional
            A checkpoint id to start after.
        limit : int, optional
            Page size (OpenAI's default is 10).
        extra_headers, extra_query, extra_body, timeout, max_retries : optional
            Per-call options: extra HTTP headers and query parameters, this call's timeout and
            retry budget (unset: the client's); ``extra_body`` is refused (a GET has no body).

        Returns
        -------
        SyncPage of FineTuningJobCheckpoint
        """
        options = per_call(extra_headers, extra_query, extra_body, timeout, max_retries)
        return _list_under_job(self._requester, "/checkpoints", fine_tuning_job_id, after, limit,
                               options, FineTuningJobCheckpoint)

    def wait(
        self, fine_tuning_job_id: str, *, poll_interval: float = 5.0,
        timeout: float | None = None, progress: bool = True,
        extra_headers: Headers | None = None, extra_query: Query | None = None,
        max_retries: int | NotGiven = NOT_GIVEN,
    ) -> FineTuningJob:
        """Poll a job until it succeeds, fails or is cancelled, showing its status.

        Parameters
        ----------
        fine_tuning_job_id : str
            The job.
        poll_interval : float
            The longest pause between polls, in seconds (the first polls come sooner: pauses
            start at 0.25 s and double).
        timeout : float or None
            Give up after this many seconds with a :class:`TimeoutError` that names the last
            status (the job keeps running). None waits as long as it takes. (Each poll uses the
            client's request timeout.)
        progress : bool
            Show a notebook-aware status line (tqdm).
        extra_headers, extra_query : dict, optional
            Extra HTTP headers / query parameters for each poll.
        max_retries : int, optional
            Each poll's retry budget (default: the client's).

        Returns
        -------
        FineTuningJob
            The final ``fine_tuning.job``: check ``job.status`` (``"succeeded"`` gives
            ``job.fine_tuned_model``; ``"failed"`` gives ``job.error``).
        """
        params = _job_params(fine_tuning_job_id)
        check_polling(poll_interval, timeout)
        options = per_call(extra_headers, extra_query, None, NOT_GIVEN, max_retries)
        spec = make_spec("GET", _JOB_PATH, options, path_params=params, cast=FineTuningJob)
        return run_flow(
            self._requester,
            _job_wait_flow(spec, params["fine_tuning_job_id"], poll_interval, timeout, progress),
        )


def _list_under_job(requester: Any, tail: str, job_id: Any, after: Any, limit: Any,
                    options: dict[str, Any], item_cast: Any) -> Any:
    """A page of a job's events or checkpoints (the two lists take the same arguments)."""
    query = given(after=after, limit=limit)
    check_list_args(query.get("limit"), max_limit=None)
    spec = make_spec("GET", _JOB_PATH + tail, options, path_params=_job_params(job_id),
                     query=query)
    return paginate(requester, spec, item_cast)


def _job_wait_flow(spec: Any, job_id: str, poll_interval: float, timeout: float | None,
                   progress: bool) -> Any:
    bar = progress_bar(desc=f"{job_id}: polling", enabled=progress, bar_format="{desc} [{elapsed}]")

    def show(job: Any) -> None:
        text = f"{job_id}: {job.get('status')}"
        if job.get("trained_tokens"):
            text += f", {job.get('trained_tokens')} tokens"
        if job.get("fine_tuned_model"):
            text += f" -> {job.get('fine_tuned_model')}"
        bar.set_description_str(text)

    try:
        return (yield from poll_flow(
            spec, done=lambda j: j.get("status") in JOB_TERMINAL_STATUSES,
            poll_interval=poll_interval, timeout=timeout,
            what=f"fine-tuning job {job_id}", on_update=show,
        ))
    finally:
        bar.close()


class FineTuning(Resource):
    """``client.fine_tuning``: the ``jobs`` namespace."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.jobs = Jobs(requester)
