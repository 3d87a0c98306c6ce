"""Emulator fine-tuning jobs: lifecycle, bad files, cancel, events, checkpoints, paging."""

from __future__ import annotations

import json
import time

import pytest
from _emu_stub import EmuHTTP, StubApp, chat_jsonl
from _schema import validate_response


@pytest.fixture
def app() -> StubApp:
    return StubApp()


def _training(app: StubApp, content: bytes | None = None, purpose: str = "fine-tune") -> str:
    status, f = app.upload(chat_jsonl(12) if content is None else content, purpose)
    assert status == 200, f
    return f["id"]


def _job(app: StubApp, **body: object) -> dict:
    status, job = app.call("POST", "/v1/fine_tuning/jobs", json=body)
    assert status == 200, job
    validate_response("createFineTuningJob", job)
    return job


def test_full_lifecycle_adds_ft_model_results_events_checkpoints(app: StubApp) -> None:
    fid = _training(app)
    job = _job(app, model="gpt-4o-mini", training_file=fid, suffix="demo",
               metadata={"team": "a"})
    assert job["status"] == "validating_files" and job["model"] == "gpt-4o-mini-2024-07-18"
    assert job["fine_tuned_model"] is None and job["hyperparameters"]["n_epochs"] == "auto"
    seen = []
    for _ in range(4):
        got = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}")
        validate_response("retrieveFineTuningJob", got)
        seen.append(got["status"])
        app.advance(1)
    assert seen == ["validating_files", "queued", "running", "succeeded"]
    done = got
    name = done["fine_tuned_model"]
    assert name.startswith("ft:gpt-4o-mini-2024-07-18:org-emulator:demo:")
    assert len(name.split(":")[-1]) == 8
    assert done["trained_tokens"] > 0 and done["finished_at"] is not None
    assert done["hyperparameters"] == {"batch_size": 1, "learning_rate_multiplier": 1.8,
                                       "n_epochs": 3}
    assert app.models[name]["fine_tuned"] is True and app.models[name]["kind"] == "chat"
    # the ft model works with chat (stub chat checks the model through require_model)
    assert app.dispatch("POST", "/v1/chat/completions",
                        {"model": name, "messages": [{"role": "user", "content": "hi"}]})[0] == 200

    (rid,) = done["result_files"]
    results = app.ok("GET", f"/v1/files/{rid}")
    assert results["purpose"] == "fine-tune-results"
    csv = app.ok("GET", f"/v1/files/{rid}/content").content.decode().splitlines()
    assert csv[0].startswith("step,train_loss") and len(csv) == 1 + 36  # 12 examples x 3 epochs

    events = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}/events", query={"limit": "100"})
    validate_response("listFineTuningEvents", events)
    messages = [e["message"] for e in events["data"]]
    assert messages[0] == "The job has successfully completed"  # newest first
    assert messages[-1] == f"Created fine-tuning job: {job['id']}"
    metrics = [e for e in events["data"] if e["type"] == "metrics"]
    assert len(metrics) == 36 and {"step", "train_loss"} <= set(metrics[0]["data"])
    losses = [e["data"]["train_loss"] for e in reversed(metrics)]
    assert losses[-1] < losses[0]  # training "learns"
    page = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}/events", query={"limit": "5"})
    nxt = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}/events",
                 query={"limit": "5", "after": page["data"][-1]["id"]})
    assert page["has_more"] and [e["id"] for e in nxt["data"]] == \
        [e["id"] for e in events["data"][5:10]]

    ckpts = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}/checkpoints")
    validate_response("listFineTuningJobCheckpoints", ckpts)
    assert [c["step_number"] for c in ckpts["data"]] == [36, 24, 12]
    assert ckpts["data"][0]["fine_tuned_model_checkpoint"] == name
    assert ckpts["data"][1]["fine_tuned_model_checkpoint"] == f"{name}:ckpt-step-24"
    assert "train_loss" in ckpts["data"][0]["metrics"]


def test_a_job_finished_unobserved_gets_its_model_on_any_fine_tuning_call(app: StubApp) -> None:
    fid = _training(app)
    first = _job(app, model="gpt-4o-mini", training_file=fid)
    app.advance(3)
    assert not [m for m in app.models if m.startswith("ft:")]  # nobody looked yet
    app.ok("GET", "/v1/fine_tuning/jobs", query={"limit": "1", "after": first["id"]})
    (name,) = [m for m in app.models if m.startswith("ft:")]
    assert name.startswith("ft:gpt-4o-mini-2024-07-18:org-emulator::")


def test_no_suffix_leaves_the_field_empty_and_hyperparameters_are_honoured(app: StubApp) -> None:
    fid = _training(app)
    job = _job(app, model="gpt-4.1-mini-2025-04-14", training_file=fid,
               method={"type": "supervised", "supervised": {"hyperparameters": {"n_epochs": 2}}})
    app.advance(3)
    done = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}")
    assert done["fine_tuned_model"].startswith("ft:gpt-4.1-mini-2025-04-14:org-emulator::")
    assert done["hyperparameters"]["n_epochs"] == 2
    assert done["method"]["supervised"]["hyperparameters"]["n_epochs"] == 2
    # continued fine-tuning starts from the ft: model and is named after the same base
    again = _job(app, model=done["fine_tuned_model"], training_file=fid, suffix="v2")
    assert again["model"] == done["fine_tuned_model"]
    app.advance(3)
    name = app.ok("GET", f"/v1/fine_tuning/jobs/{again['id']}")["fine_tuned_model"]
    assert name.startswith("ft:gpt-4.1-mini-2025-04-14:org-emulator:v2:")


def _dpo_jsonl(n: int) -> bytes:
    row = {"input": {"messages": [{"role": "user", "content": "Capital of France?"}]},
           "preferred_output": [{"role": "assistant", "content": "Paris."}],
           "non_preferred_output": [{"role": "assistant", "content": "Lyon."}]}
    return b"\n".join(json.dumps(row).encode() for _ in range(n))


def test_dpo_takes_beta_and_reports_it(app: StubApp) -> None:
    # FineTuneDPOHyperparameters: beta is a number in (0, 2] or "auto" (found by the fuzzer:
    # the emulator used to refuse it as an unknown parameter).
    fid = _training(app, _dpo_jsonl(12))
    job = _job(app, model="gpt-4o-mini", training_file=fid,
               method={"type": "dpo", "dpo": {"hyperparameters": {"beta": 0.25, "n_epochs": 2}}})
    assert job["method"]["dpo"]["hyperparameters"]["beta"] == 0.25
    app.advance(4)
    done = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}")
    validate_response("retrieveFineTuningJob", done)
    assert done["status"] == "succeeded"
    assert done["method"]["dpo"]["hyperparameters"] == {
        "batch_size": 1, "learning_rate_multiplier": 1.8, "n_epochs": 2, "beta": 0.25}
    assert "beta" not in done["hyperparameters"]  # the deprecated field has no beta
    auto = _job(app, model="gpt-4o-mini", training_file=fid, method={"type": "dpo"})
    assert auto["method"]["dpo"]["hyperparameters"]["beta"] == "auto"
    app.advance(4)
    auto = app.ok("GET", f"/v1/fine_tuning/jobs/{auto['id']}")
    assert auto["method"]["dpo"]["hyperparameters"]["beta"] == 0.1
    for beta in (0, 2.5, "high", True):
        status, err = app.call("POST", "/v1/fine_tuning/jobs", json={
            "model": "gpt-4o-mini", "training_file": fid,
            "method": {"type": "dpo", "dpo": {"hyperparameters": {"beta": beta}}}})
        assert (status, err["error"]["param"]) == (400, "method.dpo.hyperparameters.beta")
    # beta belongs to DPO only
    status, err = app.call("POST", "/v1/fine_tuning/jobs", json={
        "model": "gpt-4o-mini", "training_file": fid,
        "method": {"type": "supervised", "supervised": {"hyperparameters": {"beta": 0.1}}}})
    assert (status, err["error"]["code"]) == (400, "unknown_parameter")


@pytest.mark.parametrize("content, needle", [
    (b"just some text\nnot json\n", "line 1 is not valid JSON"),
    (chat_jsonl(12, bad_line=4), "line 5 is not valid JSON"),
    (chat_jsonl(3), "must have at least 10 examples"),
    (b'{"prompt": "a", "completion": "b"}\n' * 12, "'messages'"),
    (b"\xff\xfe\x00binary", "UTF-8"),
])
def test_bad_training_file_fails_the_job_like_the_service(app: StubApp, content: bytes,
                                                          needle: str) -> None:
    job = _job(app, model="gpt-4o-mini", training_file=_training(app, content))
    assert job["status"] == "validating_files" and job["error"] is None
    app.advance(1)
    failed = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}")
    validate_response("retrieveFineTuningJob", failed)
    assert failed["status"] == "failed" and failed["fine_tuned_model"] is None
    assert failed["error"]["code"] == "invalid_training_file"
    assert failed["error"]["param"] == "training_file"
    assert needle in failed["error"]["message"]
    app.advance(5)
    assert app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}")["status"] == "failed"
    assert not [m for m in app.models if m.startswith("ft:")]
    events = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}/events")["data"]
    assert events[0]["level"] == "error"


def test_request_errors_create_nothing(app: StubApp) -> None:
    fid = _training(app)
    batch_file = app.upload(b'{"a": 1}\n', "batch")[1]["id"]
    cases = [
        ({"model": "gpt-4o-mini", "training_file": "file-nope"}, 404, "training_file"),
        ({"model": "gpt-4o-mini", "training_file": batch_file}, 400, "training_file"),
        ({"model": "gpt-4o-mini"}, 400, "training_file"),
        ({"training_file": fid}, 400, "model"),
        ({"model": "gpt-5", "training_file": fid}, 400, "model"),
        ({"model": "no-such-model", "training_file": fid}, 400, "model"),
        ({"model": "gpt-4o-mini", "training_file": fid, "suffix": "x" * 65}, 400, "suffix"),
        ({"model": "gpt-4o-mini", "training_file": fid,
          "hyperparameters": {"n_epochs": 0}}, 400, "hyperparameters.n_epochs"),
        ({"model": "gpt-4o-mini", "training_file": fid, "validation_file": "file-x"}, 404,
         "validation_file"),
    ]
    for body, status, param in cases:
        got, err = app.call("POST", "/v1/fine_tuning/jobs", json=body)
        assert (got, err["error"]["param"]) == (status, param), (body, err)
    assert "model_not_available" == app.call(
        "POST", "/v1/fine_tuning/jobs", json={"model": "gpt-5", "training_file": fid}
    )[1]["error"]["code"]
    assert app.ok("GET", "/v1/fine_tuning/jobs")["data"] == []
    assert app.call("GET", "/v1/fine_tuning/jobs/ftjob-nope")[0] == 404


def test_cancel_running_job_and_refuse_cancel_of_finished(app: StubApp) -> None:
    fid = _training(app)
    job = _job(app, model="gpt-4o-mini", training_file=fid)
    app.advance(2.5)
    cancelled = app.ok("POST", f"/v1/fine_tuning/jobs/{job['id']}/cancel")
    validate_response("cancelFineTuningJob", cancelled)
    assert cancelled["status"] == "cancelled" and cancelled["finished_at"] is not None
    app.advance(5)
    later = app.ok("GET", f"/v1/fine_tuning/jobs/{job['id']}")
    assert later["status"] == "cancelled" and later["fine_tuned_model"] is None
    assert not [m for m in app.models if m.startswith("ft:")]
    status, err = app.call("POST", f"/v1/fine_tuning/jobs/{job['id']}/cancel")
    assert status == 400 and "cancelled" in err["error"]["message"]
    done = _job(app, model="gpt-4o-mini", training_file=fid)
    app.advance(3)
    assert app.call("POST", f"/v1/fine_tuning/jobs/{done['id']}/cancel")[0] == 400


def test_45_jobs_paged_by_20_each_seen_once_and_metadata_filter(app: StubApp) -> None:
    fid = _training(app)
    made = [_job(app, model="gpt-4o-mini", training_file=fid,
                 metadata={"parity": "odd" if i % 2 else "even"})["id"] for i in range(45)]
    seen, after, pages = [], None, 0
    while True:
        query = {"limit": "20", **({"after": after} if after else {})}
        page = app.ok("GET", "/v1/fine_tuning/jobs", query=query)
        validate_response("listPaginatedFineTuningJobs", page)
        pages += 1
        seen += [j["id"] for j in page["data"]]
        if not page["has_more"]:
            break
        after = page["data"][-1]["id"]
    assert pages == 3 and len(seen) == 45 and set(seen) == set(made)
    assert seen == made[::-1]  # newest first
    odd = app.ok("GET", "/v1/fine_tuning/jobs", query={"metadata[parity]": "odd", "limit": "100"})
    assert len(odd["data"]) == 22 and all(j["metadata"] == {"parity": "odd"}
                                          for j in odd["data"])


@pytest.mark.parametrize("flavor", ["openai", "lowcodeapi"])
def test_lifecycle_over_the_emulator_then_chat_list_and_delete_the_model(flavor: str) -> None:
    h = EmuHTTP(flavor, job_step_seconds=0.02)
    try:
        status, f = h.upload(chat_jsonl(10), "fine-tune", "train.jsonl")
        assert status == 200
        job = h.ok("POST", "/fine_tuning/jobs", json={"model": "gpt-4o-mini",
                                                      "training_file": f["id"], "suffix": "w"})
        validate_response("createFineTuningJob", job)
        deadline = time.monotonic() + 10
        while job["status"] not in ("succeeded", "failed") and time.monotonic() < deadline:
            time.sleep(0.02)
            job = h.ok("GET", f"/fine_tuning/jobs/{job['id']}")
            validate_response("retrieveFineTuningJob", job)
        assert job["status"] == "succeeded"
        name = job["fine_tuned_model"]
        reply = h.ok("POST", "/chat/completions", json={
            "model": name, "messages": [{"role": "user", "content": "hello"}]})
        assert reply["model"] == name and reply["choices"][0]["message"]["content"]
        assert name in [m["id"] for m in h.ok("GET", "/models")["data"]]
        validate_response("listFineTuningEvents",
                          h.ok("GET", f"/fine_tuning/jobs/{job['id']}/events"))
        validate_response("listFineTuningJobCheckpoints",
                          h.ok("GET", f"/fine_tuning/jobs/{job['id']}/checkpoints"))
        assert h.ok("DELETE", f"/models/{name}")["deleted"] is True
        assert name not in [m["id"] for m in h.ok("GET", "/models")["data"]]
        # reading the job again must not resurrect the deleted model
        h.ok("GET", f"/fine_tuning/jobs/{job['id']}")
        assert h.call("POST", "/chat/completions", json={
            "model": name, "messages": [{"role": "user", "content": "hi"}]})[0] == 404
        status, err = h.call("POST", "/fine_tuning/jobs", json={"model": "gpt-4o-mini",
                                                               "training_file": "file-missing"})
        assert status == 404 and "file-missing" in err["error"]["message"]
        assert json.dumps(h.ok("GET", "/fine_tuning/jobs")["data"]).count('"fine_tuning.job"') == 1
    finally:
        h.close()
