"""Emulator settings: one dataclass, every field a keyword of ``Emulator(...)``."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DEFAULT_TOKEN", "DEFAULT_OPENAI_KEY", "EmuConfig"]

#: The token the emulator accepts by default (LowCodeAPI tokens start with ``at_``).
DEFAULT_TOKEN = "at_emulator_workshop_token"
#: The bearer key the openai flavor accepts by default.
DEFAULT_OPENAI_KEY = "sk-emulator-workshop-key"


@dataclass
class EmuConfig:
    #: ``"lowcodeapi"`` (envelope, ``api_token`` query auth, nested errors) or ``"openai"``.
    flavor: str = "lowcodeapi"
    #: ``"incremental"`` sends each SSE event as it is made; ``"buffered"`` sends the whole
    #: stream in one body, as LowCodeAPI's server does. None (the default) follows the flavor:
    #: buffered for ``lowcodeapi`` (the service buffers the upstream stream, see
    #: reference/lowcodeapi-openai-endpoints.json), incremental for ``openai``.
    stream_mode: str | None = None
    #: Which LowCodeAPI path formats are served: both, or ``("old",)`` like the OSS server.
    path_formats: tuple[str, ...] = ("new", "old")
    #: Accepted credentials (``api_token`` for lowcodeapi, bearer key for openai).
    api_tokens: tuple[str, ...] = (DEFAULT_TOKEN,)
    openai_keys: tuple[str, ...] = (DEFAULT_OPENAI_KEY,)
    #: Random transient faults: the share of requests that fail, the kinds drawn from
    #: (``"429"``, ``"500"``, ``"503"``, ``"drop"``), and the seed that makes them repeatable.
    fault_rate: float = 0.0
    fault_kinds: tuple[str, ...] = ("429", "500", "503", "drop")
    fault_seed: int = 0
    #: Transient faults clear: a request already retried this many times (told by the retry-count
    #: header clients send: ``X-Lcoai-Retry-Count``, or the official SDK's
    #: ``X-Stainless-Retry-Count``) gets no random fault. ``None`` draws every attempt
    #: independently. Header-requested faults (``X-Emulator-Fault``) always apply.
    fault_max_consecutive: int | None = 3
    #: Retry-After sent with injected 429/503 faults, in seconds (``retry-after-ms`` carries the
    #: exact value, ``retry-after`` the value rounded up to whole seconds).
    fault_retry_after: float = 0.05
    #: Extra latency added to every response, in seconds.
    latency: float = 0.0
    #: Seconds each fine-tuning state lasts (validating_files, queued, running) and each batch
    #: state (validating, in_progress, finalizing); small so notebooks finish quickly.
    job_step_seconds: float = 0.3
    #: The organisation id used in ``ft:`` model names and objects.
    organization: str = "org-emulator"
    #: Seed mixed into every deterministic generator.
    seed: int = 0
    #: Largest request bodies accepted, in bytes (a larger one gets a 413 before it is read):
    #: JSON bodies and every route not listed below (chat with inline images reaches tens of
    #: MB); ``/v1/files`` uploads (OpenAI: 512 MB per file); audio transcriptions and translations
    #: (OpenAI: 25 MB per file). Upload limits apply to the file; the form around it may add
    #: 1 MiB. Parsing a JSON body may take at most twice ``max_json_body`` on top of the body.
    max_json_body: int = 64 * 2**20
    max_file_upload: int = 512 * 2**20
    max_audio_upload: int = 25 * 2**20
    #: ``Host`` names served besides 127.0.0.1, localhost and [::1] (any port) and the name the
    #: server was started with. Any other name is refused, so a web page that rebinds its own
    #: DNS name to 127.0.0.1 cannot reach the emulator (and its public workshop token).
    allowed_hosts: tuple[str, ...] = ()
    #: Extra fields for modules that need them, so adding one never breaks another module.
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.stream_mode is None:
            self.stream_mode = "buffered" if self.flavor == "lowcodeapi" else "incremental"
