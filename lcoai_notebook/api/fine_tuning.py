"""``client.fine_tuning.jobs``: create, list, retrieve, cancel, events, checkpoints, ``wait``."""

from __future__ import annotations

from typing import Any

from .._pagination import paginate
from .._progress import check_polling, poll_flow, progress_bar, run_flow
from ._resource import Resource
from ._spec import body_of, check_list_args, make_spec, require_id, require_str

__all__ = ["Checkpoints", "FineTuning", "Jobs", "JOB_TERMINAL_STATUSES"]

JOB_TERMINAL_STATUSES = frozenset({"succeeded", "failed", "cancelled"})
_JOB_PATH = "/fine_tuning/jobs/{fine_tuning_job_id}"


def _job_params(job_id: Any) -> dict[str, str]:
    return {"fine_tuning_job_id": require_id(job_id, "fine_tuning_job_id")}


class Checkpoints(Resource):
    """``jobs.checkpoints.list(job_id)`` (as in the official SDK); calling it does the same."""

    def list(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """List a job's checkpoints (``fine_tuning.job.checkpoint``), newest first; auto-paginates.

        Parameters
        ----------
        fine_tuning_job_id : str
            The job.
        after : str, optional
            A checkpoint id to start after.
        limit : int, optional
            Page size (OpenAI's default is 10).
        """
        check_list_args(limit, max_limit=None)
        spec = make_spec(
            "GET", _JOB_PATH + "/checkpoints", kwargs,
            path_params=_job_params(fine_tuning_job_id), query={"after": after, "limit": limit},
        )
        return paginate(self._requester, spec)

    __call__ = list


class Jobs(Resource):
    """Fine-tuning jobs. ``jobs.checkpoints.list(job_id)`` lists checkpoints; so do
    ``jobs.checkpoints(job_id)`` and ``jobs.list_checkpoints(job_id)``."""

    def __init__(self, requester: Any) -> None:
        super().__init__(requester)
        self.checkpoints = Checkpoints(requester)

    def create(
        self,
        *,
        model: str,
        training_file: str,
        validation_file: str | None = None,
        suffix: str | None = None,
        seed: int | None = None,
        method: dict[str, Any] | None = None,
        hyperparameters: dict[str, Any] | None = None,
        integrations: list[dict[str, Any]] | None = None,
        metadata: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Start a fine-tuning job.

        Parameters
        ----------
        model : str
            The base model (e.g. ``"gpt-4.1-mini-2025-04-14"``).
        training_file : str
            The id of an uploaded file with ``purpose="fine-tune"`` (JSONL of chat examples).
        validation_file : str, optional
            Another such file id.
        suffix : str, optional
            Up to 64 characters, added to the fine-tuned model's name.
        seed : int, optional
        method, hyperparameters, integrations, metadata : optional
            As in OpenAI's API (``method={"type": "supervised", "supervised": {...}}``).
        **kwargs
            Per-call options; other keywords are sent in the body.

        Returns
        -------
        Result
            The ``fine_tuning.job`` (status ``validating_files`` at first).
        """
        require_str(model, "model")
        require_id(training_file, "training_file")
        if validation_file is not None:
            require_id(validation_file, "validation_file")
        if suffix is not None and (not isinstance(suffix, str) or not 1 <= len(suffix) <= 64):
            raise ValueError(f"suffix must be a string of 1 to 64 characters, got {suffix!r}")
        body = body_of(
            model=model, training_file=training_file, validation_file=validation_file,
            suffix=suffix, seed=seed, method=method, hyperparameters=hyperparameters,
            integrations=integrations, metadata=metadata,
        )
        # JSON, as OpenAI takes it (LowCodeAPI's definition marks this route as an upload, which
        # looks like a mistake in the definition; see reference 1.6).
        return self._request(make_spec("POST", "/fine_tuning/jobs", kwargs, json=body))

    def list(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        metadata: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Any:
        """List jobs, newest first; iterating the result walks every page.

        Parameters
        ----------
        after : str, optional
            A job id to start after.
        limit : int, optional
            Page size (OpenAI's default is 20).
        metadata : dict, optional
            Only jobs whose metadata has these key/value pairs.
        """
        check_list_args(limit, max_limit=None)
        query: dict[str, Any] = {"after": after, "limit": limit}
        for key, value in (metadata or {}).items():
            query[f"metadata[{key}]"] = value
        return paginate(self._requester, make_spec("GET", "/fine_tuning/jobs", kwargs, query=query))

    def retrieve(self, fine_tuning_job_id: str, **kwargs: Any) -> Any:
        """The ``fine_tuning.job`` object."""
        spec = make_spec("GET", _JOB_PATH, kwargs, path_params=_job_params(fine_tuning_job_id))
        return self._request(spec)

    def cancel(self, fine_tuning_job_id: str, **kwargs: Any) -> Any:
        """Cancel a job; returns the job (status ``cancelled``)."""
        spec = make_spec(
            "POST", _JOB_PATH + "/cancel", kwargs, path_params=_job_params(fine_tuning_job_id)
        )
        return self._request(spec)

    def list_events(
        self,
        fine_tuning_job_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        **kwargs: Any,
    ) -> Any:
        """List a job's events (``fine_tuning.job.event``: messages and training metrics),
        newest first; auto-paginates."""
        check_list_args(limit, max_limit=None)
        spec = make_spec(
            "GET", _JOB_PATH + "/events", kwargs,
            path_params=_job_params(fine_tuning_job_id), query={"after": after, "limit": limit},
        )
        return paginate(self._requester, spec)

    def list_checkpoints(self, fine_tuning_job_id: str, **kwargs: Any) -> Any:
        """Same as ``jobs.checkpoints.list(fine_tuning_job_id, ...)``."""
        return self.checkpoints.list(fine_tuning_job_id, **kwargs)

    def wait(
        self,
        fine_tuning_job_id: str,
        *,
        poll_interval: float = 5.0,
        timeout: float | None = None,
        progress: bool = True,
        **kwargs: Any,
    ) -> Any:
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
            status (the job keeps running). None waits as long as it takes.
        progress : bool
            Show a notebook-aware status line (tqdm).
        **kwargs
            Per-call options for each poll (``timeout`` excepted: use ``extra_headers`` etc.).

        Returns
        -------
        Result
            The final ``fine_tuning.job``: check ``job.status`` (``"succeeded"`` gives
            ``job.fine_tuned_model``; ``"failed"`` gives ``job.error``).
        """
        params = _job_params(fine_tuning_job_id)
        check_polling(poll_interval, timeout)
        spec = make_spec("GET", _JOB_PATH, kwargs, path_params=params)
        return run_flow(
            self._requester,
            _job_wait_flow(spec, params["fine_tuning_job_id"], poll_interval, timeout, progress),
        )


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
