"""fine_tuning.jobs.*: request shapes, wait (terminal states, timeout, progress), sync and async."""

from __future__ import annotations

import asyncio
import time

import pytest
from _fake_requester import FakeRequester, render_path
from _schema import validate_request, validate_response

from lcoai_notebook.api.fine_tuning import FineTuning


def job(status, **extra):
    body = {
        "id": "ftjob-1", "object": "fine_tuning.job", "created_at": 1700000000,
        "model": "gpt-4o-mini-2024-07-18", "organization_id": "org-x", "status": status,
        "fine_tuned_model": None, "finished_at": None, "error": None,
        "hyperparameters": {"n_epochs": 3, "batch_size": 1, "learning_rate_multiplier": 1.8},
        "result_files": [], "trained_tokens": None, "training_file": "file-t",
        "validation_file": None, "seed": 7,
    }
    body.update(extra)
    return body


def jobs(handler, is_async=False):
    req = FakeRequester(handler, is_async=is_async)
    return FineTuning(req).jobs, req


def test_create_body_matches_schema():
    validate_response("createFineTuningJob", job("validating_files"))
    api, req = jobs(lambda spec: job("validating_files"))
    out = api.create(model="gpt-4o-mini-2024-07-18", training_file="file-t", suffix="demo",
                     seed=7, method={"type": "supervised", "supervised": {
                         "hyperparameters": {"n_epochs": 2}}},
                     metadata={"k": "v"})
    assert out.status == "validating_files"
    spec = req.specs[0]
    assert (spec.method, spec.path, spec.data, spec.files) == ("POST", "/fine_tuning/jobs",
                                                               None, None)
    assert spec.json["training_file"] == "file-t" and "validation_file" not in spec.json
    validate_request("createFineTuningJob", spec.json)


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"model": "", "training_file": "file-t"}, TypeError, "model"),
    ({"model": "m", "training_file": ""}, ValueError, "training_file"),
    ({"model": "m", "training_file": 5}, TypeError, "training_file"),
    ({"model": "m", "training_file": "f", "suffix": "x" * 65}, ValueError, "suffix"),
    ({"model": "m", "training_file": "f", "validation_file": ""}, ValueError, "validation_file"),
])
def test_create_rejects_bad_arguments_before_sending(kwargs, exc, match):
    api, req = jobs(lambda spec: job("queued"))
    with pytest.raises(exc, match=match):
        api.create(**kwargs)
    assert req.specs == []


def test_paths_and_queries():
    lists = {"object": "list", "data": [], "has_more": False}
    api, req = jobs(lambda spec: lists if "list" in spec.path or spec.method == "GET"
                    and spec.path.endswith(("events", "checkpoints", "jobs")) else job("running"))
    api.retrieve("ftjob-1")
    api.cancel("ftjob-1")
    api.list_events("ftjob-1", limit=5, after="ftevent-9")
    api.checkpoints.list("ftjob-1", limit=2)
    api.checkpoints("ftjob-1")
    api.list_checkpoints("ftjob-1")
    api.list(limit=3, metadata={"team": "a"})
    got = [(s.method, render_path(s), s.query) for s in req.specs]
    assert got == [
        ("GET", "/fine_tuning/jobs/ftjob-1", {}),
        ("POST", "/fine_tuning/jobs/ftjob-1/cancel", {}),
        ("GET", "/fine_tuning/jobs/ftjob-1/events", {"after": "ftevent-9", "limit": 5}),
        ("GET", "/fine_tuning/jobs/ftjob-1/checkpoints", {"limit": 2}),
        ("GET", "/fine_tuning/jobs/ftjob-1/checkpoints", {}),
        ("GET", "/fine_tuning/jobs/ftjob-1/checkpoints", {}),
        ("GET", "/fine_tuning/jobs", {"limit": 3, "metadata[team]": "a"}),
    ]
    assert all(s.path_params in ({}, {"fine_tuning_job_id": "ftjob-1"}) for s in req.specs)


def sequence(*statuses):
    """A handler answering successive retrieves with these statuses (the last one repeats)."""
    seen = []

    def handler(spec):
        seen.append(spec)
        status = statuses[min(len(seen) - 1, len(statuses) - 1)]
        extra = {"fine_tuned_model": "ft:gpt-4o-mini:org-x:demo:abc"} if status == "succeeded" \
            else {}
        return job(status, **extra)

    return handler


@pytest.mark.parametrize("final", ["succeeded", "failed", "cancelled"])
def test_wait_polls_until_a_terminal_state(final):
    api, req = jobs(sequence("validating_files", "queued", "running", final))
    out = api.wait("ftjob-1", poll_interval=0.001, progress=False)
    assert out.status == final
    assert len(req.specs) == 4
    assert all(render_path(s) == "/fine_tuning/jobs/ftjob-1" for s in req.specs)


def test_wait_shows_a_progress_line(capsys):
    api, _ = jobs(sequence("running", "succeeded"))
    out = api.wait("ftjob-1", poll_interval=0.001, progress=True)
    assert out.fine_tuned_model.startswith("ft:")
    err = capsys.readouterr().err
    assert "ftjob-1: succeeded" in err and "ft:gpt-4o-mini" in err


def test_wait_timeout_names_the_last_status():
    api, req = jobs(sequence("running"))
    start = time.monotonic()
    with pytest.raises(TimeoutError, match="ftjob-1 is still 'running' after 0.05 s"):
        api.wait("ftjob-1", poll_interval=0.01, timeout=0.05, progress=False)
    assert time.monotonic() - start < 2
    assert 1 <= len(req.specs) <= 10  # polled, but no busy loop


@pytest.mark.parametrize("kwargs", [{"poll_interval": 0}, {"poll_interval": -1},
                                    {"timeout": 0}, {"timeout": "5"}])
def test_wait_rejects_bad_polling_arguments(kwargs):
    api, req = jobs(sequence("running"))
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        api.wait("ftjob-1", **kwargs)
    assert req.specs == []


def test_wait_async_twin():
    api, req = jobs(sequence("queued", "running", "succeeded"), is_async=True)

    async def main():
        return await api.wait("ftjob-1", poll_interval=0.001, progress=False)

    assert asyncio.run(main()).status == "succeeded"
    assert len(req.specs) == 3


def test_wait_async_timeout():
    api, _ = jobs(sequence("running"), is_async=True)

    async def main():
        await api.wait("ftjob-1", poll_interval=0.01, timeout=0.03, progress=False)

    with pytest.raises(TimeoutError, match="running"):
        asyncio.run(main())


def test_wait_propagates_api_errors():
    from lcoai_notebook._exceptions import NotFoundError

    def missing(spec):
        raise NotFoundError("No such job: ftjob-x", status_code=404)

    api, _ = jobs(missing)
    with pytest.raises(NotFoundError, match="ftjob-x"):
        api.wait("ftjob-x", poll_interval=0.001, progress=False)


# -- end to end, against the emulator (in-process) ------------------------------------------------

import json  # noqa: E402

from lcoai_notebook._exceptions import NotFoundError  # noqa: E402
from lcoai_notebook.emulator import Emulator  # noqa: E402

BASE = "gpt-4o-mini-2024-07-18"
TRAIN = "".join(
    json.dumps({"messages": [{"role": "user", "content": f"Capital of country {i}?"},
                             {"role": "assistant", "content": f"City {i}."}]}) + "\n"
    for i in range(12)
).encode()


def _check_finished(done, job_id):
    assert done.id == job_id and done.status == "succeeded", done
    assert done.fine_tuned_model.startswith(f"ft:{BASE}:") and "e2e" in done.fine_tuned_model
    validate_response("retrieveFineTuningJob", done.to_dict())


@pytest.mark.parametrize("flavor, url_format", [("lowcodeapi", "new"), ("lowcodeapi", "old"),
                                                ("openai", "auto")])
def test_e2e_upload_train_wait_chat_events_checkpoints(flavor, url_format):
    emu = Emulator(flavor=flavor, job_step_seconds=0.01)
    with emu.client(url_format=url_format) as client:
        upload = client.files.create(file=("train.jsonl", TRAIN), purpose="fine-tune")
        assert upload.filename == "train.jsonl" and upload.bytes == len(TRAIN)
        job = client.fine_tuning.jobs.create(model=BASE, training_file=upload.id, suffix="e2e")
        assert job.status == "validating_files"
        done = client.fine_tuning.jobs.wait(job.id, poll_interval=0.01, timeout=30,
                                            progress=False)
        _check_finished(done, job.id)
        reply = client.chat.completions.create(
            model=done.fine_tuned_model, messages=[{"role": "user", "content": "Capital?"}])
        assert reply.model == done.fine_tuned_model and reply.text
        events = list(client.fine_tuning.jobs.list_events(job.id, limit=4))
        assert len(events) > 4 and len({e.id for e in events}) == len(events)
        assert any(e.type == "metrics" for e in events)
        checkpoints = list(client.fine_tuning.jobs.checkpoints.list(job.id))
        assert checkpoints and all(cp.fine_tuning_job_id == job.id for cp in checkpoints)
        assert client.fine_tuning.jobs.retrieve(job.id).status == "succeeded"
        # The ft: model is listed, can be deleted, and is gone afterwards.
        assert done.fine_tuned_model in client.models.list().ids
        deleted = client.models.delete(done.fine_tuned_model)
        assert deleted.deleted is True and deleted.id == done.fine_tuned_model
        assert done.fine_tuned_model not in client.models.list().ids
        with pytest.raises(NotFoundError):
            client.chat.completions.create(
                model=done.fine_tuned_model, messages=[{"role": "user", "content": "Capital?"}])


def test_e2e_async_upload_train_wait_chat_events_checkpoints():
    emu = Emulator(job_step_seconds=0.01)

    async def main():
        async with emu.async_client() as client:
            upload = await client.files.create(file=("train.jsonl", TRAIN), purpose="fine-tune")
            job = await client.fine_tuning.jobs.create(model=BASE, training_file=upload.id,
                                                       suffix="e2e")
            done = await client.fine_tuning.jobs.wait(job.id, poll_interval=0.01, timeout=30,
                                                      progress=False)
            _check_finished(done, job.id)
            reply = await client.chat.completions.create(
                model=done.fine_tuned_model, messages=[{"role": "user", "content": "Hi"}])
            events = [e async for e in client.fine_tuning.jobs.list_events(job.id, limit=3)]
            checkpoints = await client.fine_tuning.jobs.checkpoints.list(job.id)
            return reply, events, checkpoints

    reply, events, checkpoints = asyncio.run(main())
    assert reply.text
    assert len(events) > 3 and len({e.id for e in events}) == len(events)
    assert checkpoints.data and checkpoints.data[0].object == "fine_tuning.job.checkpoint"


def test_e2e_45_jobs_listed_with_limit_20_exactly_once_sync_and_async():
    emu = Emulator(job_step_seconds=0.01)
    with emu.client() as client:
        upload = client.files.create(file=("train.jsonl", TRAIN), purpose="fine-tune")
        created = [client.fine_tuning.jobs.create(model=BASE, training_file=upload.id).id
                   for _ in range(45)]
        ids = [job.id for job in client.fine_tuning.jobs.list(limit=20)]
    assert len(ids) == 45 and sorted(ids) == sorted(created)

    async def main():
        async with emu.async_client() as aclient:
            return [job.id async for job in aclient.fine_tuning.jobs.list(limit=20)]

    assert asyncio.run(main()) == ids


def test_e2e_cancel():
    emu = Emulator(job_step_seconds=5)
    with emu.client() as client:
        upload = client.files.create(file=("train.jsonl", TRAIN), purpose="fine-tune")
        job = client.fine_tuning.jobs.create(model=BASE, training_file=upload.id)
        assert client.fine_tuning.jobs.cancel(job.id).status == "cancelled"
        done = client.fine_tuning.jobs.wait(job.id, poll_interval=0.01, timeout=5,
                                            progress=False)
        assert done.status == "cancelled" and done.fine_tuned_model is None
        with pytest.raises(TimeoutError, match="validating_files|queued|running"):
            job2 = client.fine_tuning.jobs.create(model=BASE, training_file=upload.id)
            client.fine_tuning.jobs.wait(job2.id, poll_interval=0.01, timeout=0.05,
                                         progress=False)


def test_poll_pauses_start_short_and_double_up_to_poll_interval():
    from lcoai_notebook._progress import Sleep, poll_flow

    flow = poll_flow("SPEC", done=lambda j: j["status"] == "succeeded", poll_interval=3,
                     timeout=None, what="job")
    pauses = []
    step = next(flow)
    for _ in range(7):
        assert step == "SPEC"
        pause = flow.send({"status": "running"})
        assert isinstance(pause, Sleep)
        pauses.append(pause.seconds)
        step = next(flow)
    assert pauses == [0.25, 0.5, 1, 2, 3, 3, 3]
    with pytest.raises(StopIteration) as stop:
        flow.send({"status": "succeeded"})
    assert stop.value.value == {"status": "succeeded"}


def test_progress_off_gives_a_silent_bar(capsys):
    from lcoai_notebook._progress import NullBar, progress_bar

    with progress_bar(total=3, desc="x", enabled=False) as bar:
        assert isinstance(bar, NullBar) and bar.total == 3
        bar.update(2)
        bar.set_description_str("y")
    assert bar.n == 2
    assert capsys.readouterr().err == ""
