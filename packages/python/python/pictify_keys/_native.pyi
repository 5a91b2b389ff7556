"""Typing stubs of the native module (the PyO3 binding of the Rust core)."""

import datetime
import os
from typing import Any, Callable, Dict, Iterable, Iterator, List, Literal, Mapping, Optional, Tuple, TypedDict, TypeVar, Union, overload

from ._errors import PictifyKeyError

Mode = Literal["live", "test"]
EnvironmentName = Literal["production", "staging", "development", "test", "unknown"]
Environ = Union[Mapping[str, str], "DotEnv"]
EnvironmentArg = Union["Detection", EnvironmentName, str, None]
_T = TypeVar("_T")

__version__: str
BODY_MIN: int
BODY_MAX: int
KEY_VARIABLES: List[str]

class ApiKey:
    """A well-formed Pictify API key; ``str()`` / ``repr()`` show the fingerprint only.
    Pickling raises ``TypeError``."""

    @staticmethod
    def parse(value: Optional[str]) -> ApiKey:
        """Parses and validates a key exactly as given (no trimming).

        Raises ``KeyFormatError`` for a malformed key (the code says what is wrong),
        ``KeySourceError`` with code ``no_key`` for ``None`` (an unset variable read with
        ``os.environ.get``), and ``PictifyKeyError`` with code ``invalid_argument`` for a
        value that is not a ``str``."""
    @property
    def mode(self) -> Mode: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def last4(self) -> str: ...
    def reveal(self) -> str: ...
    def __eq__(self, other: object) -> bool: ...
    def __hash__(self) -> int: ...
    def __copy__(self) -> ApiKey: ...
    def __deepcopy__(self, memo: object) -> ApiKey: ...

class Detection:
    @staticmethod
    def explicit(environment: EnvironmentName) -> Detection: ...
    @property
    def environment(self) -> EnvironmentName: ...
    @property
    def variable(self) -> Optional[str]: ...
    @property
    def value(self) -> Optional[str]: ...

class Policy:
    def __init__(
        self, *, allow_live_outside_production: bool = False, allow_test_in_production: bool = False
    ) -> None: ...
    @staticmethod
    def strict() -> Policy: ...
    @property
    def allow_live_outside_production(self) -> bool: ...
    @property
    def allow_test_in_production(self) -> bool: ...

class Warning:
    @property
    def code(self) -> Literal["unknown_environment", "relaxed_policy"]: ...
    @property
    def message(self) -> str: ...

class Allowed:
    @property
    def warning(self) -> Optional[Warning]: ...

def detect_environment(environ: Optional[Environ] = None) -> Detection: ...
def check_environment(
    key: ApiKey, environment: EnvironmentArg = None, *, policy: Optional[Policy] = None
) -> Allowed: ...
def check_mode(
    mode: Mode, environment: EnvironmentArg = None, *, policy: Optional[Policy] = None
) -> Allowed: ...

class KeyCheck:
    @property
    def origin(self) -> str: ...
    @property
    def variable(self) -> str: ...
    @property
    def fingerprint(self) -> Optional[str]: ...
    @property
    def mode(self) -> Optional[Mode]: ...
    @property
    def verdict(self) -> Literal["allowed", "warning", "refused", "malformed"]: ...
    @property
    def code(self) -> Optional[str]: ...
    @property
    def message(self) -> Optional[str]: ...
    def error(self) -> Optional[PictifyKeyError]: ...

class CheckReport:
    @property
    def detection(self) -> Detection: ...
    @property
    def keys(self) -> List[KeyCheck]: ...
    @property
    def exit_status(self) -> int: ...
    def error(self) -> Optional[PictifyKeyError]: ...

def check_keys(
    environ: Optional[Environ] = None,
    *,
    source: str = "env",
    environment: EnvironmentArg = None,
    policy: Optional[Policy] = None,
) -> CheckReport:
    """Checks ``PICTIFY_API_KEY_NEW``, ``PICTIFY_API_KEY`` and ``PICTIFY_API_KEY_OLD`` in
    ``environ`` (``os.environ`` when ``None``). A secret reference there
    (``vault://secret/pictify#api_key``, ``aws-sm://…``, ``gcp-sm://…``) is fetched with the
    settings in the same mapping (``VAULT_ADDR``, ``VAULT_TOKEN``, ``AWS_REGION``, …) and the
    fetched key checked with the reference as its ``origin``; a reference that cannot be
    resolved is the report's ``error()`` (``KeySourceError``: ``secret_not_found``,
    ``secret_access_denied``, …, naming the reference)."""

class DotEnv:
    """A parsed ``.env`` file: a read-only mapping of names to values; ``repr()`` shows
    names only."""

    @staticmethod
    def parse(text: str) -> DotEnv: ...
    def names(self) -> List[str]: ...
    def keys(self) -> List[str]: ...
    @overload
    def get(self, name: str) -> Optional[str]: ...
    @overload
    def get(self, name: str, default: _T) -> Union[str, _T]: ...
    def __getitem__(self, name: str) -> str: ...
    def __contains__(self, name: object) -> bool: ...
    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]: ...

class SourcedKey:
    """A key and where it came from (``env:PICTIFY_API_KEY_NEW``, ``file:...``)."""

    @property
    def key(self) -> ApiKey: ...
    @property
    def origin(self) -> str: ...

class ShadowedKey:
    @property
    def origin(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def used_source(self) -> str: ...
    @property
    def code(self) -> Literal["shadowed_key"]: ...

class LoadedKeys:
    @property
    def keys(self) -> List[SourcedKey]: ...
    @property
    def source(self) -> str: ...
    @property
    def shadowed(self) -> List[ShadowedKey]: ...
    def __len__(self) -> int: ...

def load_keys(
    environ: Optional[Environ] = None,
    *,
    secret_file: Union[str, "os.PathLike[str]", None] = None,
    dotenv: Union[str, "os.PathLike[str]", None] = None,
) -> LoadedKeys:
    """Keys from ``environ`` (``os.environ`` when ``None``), else ``secret_file``, else
    ``dotenv``. A secret reference in ``environ`` or the ``.env`` file is resolved with the
    settings in ``environ`` (``VAULT_ADDR``, ``AWS_REGION``, …); its keys have the reference
    as ``origin`` (``vault://secret/pictify#api_key``). Raises ``KeySourceError``
    (``secret_not_found``, ``secret_access_denied``, …) when it cannot be resolved, and
    ``KeyFormatError`` when the stored value is not a clean key (``whitespace``)."""

class RingConfig:
    def __init__(
        self,
        *,
        max_retries: Optional[int] = None,
        cooldown_ms: Optional[int] = None,
        base_delay_ms: Optional[int] = None,
        max_delay_ms: Optional[int] = None,
        retry_after_cap_ms: Optional[int] = None,
        jitter: Optional[bool] = None,
    ) -> None: ...
    @property
    def max_retries(self) -> int: ...
    @property
    def cooldown_ms(self) -> int: ...
    @property
    def base_delay_ms(self) -> int: ...
    @property
    def max_delay_ms(self) -> int: ...
    @property
    def retry_after_cap_ms(self) -> int: ...
    @property
    def jitter(self) -> bool: ...

class ManualClock:
    def __init__(self, start_ms: int) -> None: ...
    def advance_ms(self, ms: int) -> None: ...
    def set_ms(self, ms: int) -> None: ...
    @property
    def now_ms(self) -> int: ...

class KeyStats:
    fingerprint: str
    origin: str
    requests: int
    successes: int
    unauthorized: int
    errors: int
    last_used_ms: Optional[int]
    demoted_until_ms: Optional[int]

class RequestState:
    @property
    def attempts(self) -> int: ...

class Attempt:
    @property
    def key(self) -> ApiKey: ...
    @property
    def source(self) -> str: ...
    @property
    def number(self) -> int: ...

class Decision:
    @property
    def action(self) -> Literal["done", "try_next_key", "retry", "fail"]: ...
    @property
    def delay_ms(self) -> Optional[int]: ...
    @property
    def code(self) -> Optional[str]: ...
    def error(self) -> Optional[PictifyKeyError]: ...

class KeyRing:
    def __init__(
        self,
        keys: Union[Iterable[Union[ApiKey, SourcedKey]], LoadedKeys],
        *,
        config: Optional[RingConfig] = None,
        clock: Optional[ManualClock] = None,
    ) -> None: ...
    def begin_request(self) -> RequestState: ...
    def attempt(self, request: RequestState) -> Attempt: ...
    def on_outcome(
        self,
        request: RequestState,
        attempt: Attempt,
        status: Optional[int] = None,
        *,
        retry_after: Optional[str] = None,
        error: Optional[Literal["timeout", "connection"]] = None,
    ) -> Decision: ...
    def stats(self) -> List[KeyStats]: ...
    def fingerprints(self) -> List[str]: ...
    def __len__(self) -> int: ...

_Json = Any

class ApiResponse:
    @property
    def status(self) -> int: ...
    @property
    def body(self) -> _Json: ...
    @property
    def key_fingerprint(self) -> str: ...
    @property
    def key_origin(self) -> str: ...
    @property
    def attempts(self) -> int: ...
    @property
    def fallbacks(self) -> List[Dict[str, Union[str, int]]]: ...

class Image:
    @property
    def id(self) -> Optional[str]: ...
    @property
    def url(self) -> Optional[str]: ...
    @property
    def raw(self) -> _Json: ...

class Images:
    def create(
        self,
        *,
        html: Optional[str] = None,
        url: Optional[str] = None,
        template: Optional[str] = None,
        variables: Optional[_Json] = None,
        width: Optional[int] = None,
        height: Optional[int] = None,
        selector: Optional[str] = None,
        file_extension: Optional[str] = None,
        **extra: _Json,
    ) -> Image: ...

class Client:
    """The Pictify API client (rotation fallback, retries, idempotent POSTs). Calls block
    with the GIL released."""

    def __init__(
        self,
        keys: Union[Iterable[Union[ApiKey, SourcedKey]], LoadedKeys, None] = None,
        *,
        environ: Optional[Environ] = None,
        secret_file: Union[str, "os.PathLike[str]", None] = None,
        dotenv: Union[str, "os.PathLike[str]", None] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        connect_timeout: Optional[float] = None,
        config: Optional[RingConfig] = None,
        environment: EnvironmentArg = None,
        policy: Optional[Policy] = None,
        monitor: Optional[Monitor] = None,
    ) -> None:
        """Keys from ``keys``, else from ``environ`` (``os.environ`` when ``None``),
        ``secret_file`` and ``dotenv``, resolving secret references as ``load_keys`` does.

        The environment policy is applied to every key when the client is built and when
        it re-reads its keys, exactly as ``check_environment``: ``environment`` is detected
        from ``environ`` when ``None``, ``policy`` is strict when ``None``. A live key in
        development, test or staging raises ``KeyEnvironmentError``
        (``live_key_in_development``); pass ``policy=Policy(allow_live_outside_production=True)``
        to allow it on purpose.

        ``timeout`` (per attempt, default 30) and ``connect_timeout`` (default 10) are in
        **seconds**; ``config`` holds retries and backoff (``RingConfig``).

        ``monitor`` receives the client's audit events (one ``api.request`` per answered
        attempt, one ``api_key.fallback`` per key fallback); its ``on_alert`` is called after
        each request, in the calling thread, with the alert updates the request caused."""
    def request(self, method: str, path: str, json: Optional[_Json] = None) -> ApiResponse: ...
    @property
    def images(self) -> Images: ...
    def stats(self) -> List[KeyStats]: ...
    def reload_keys(self) -> None: ...

Style = Literal["fingerprint", "redacted", "mask"]

def redact(text: str, *, style: Style = "fingerprint") -> str:
    """Redacts keys and credential tokens; returns ``text`` itself (the same object, no copy)
    when there is nothing to redact. Long texts are scanned with the GIL released."""
def redact_bytes(data: bytes, *, style: Style = "fingerprint") -> bytes:
    """Redacts bytes that need not be UTF-8; returns ``data`` itself when nothing changes."""
def redact_json(value: _Json, *, style: Style = "fingerprint") -> _Json: ...
def _redact_triggers() -> list[str]: ...
def _is_sensitive_field(name: str) -> bool: ...

class AuditEvent:
    """The documented audit record; ``keyId`` is a key ID or fingerprint, never a secret."""

    def __init__(
        self,
        *,
        action: str,
        key: Union[ApiKey, str],
        endpoint: str,
        method: str,
        status: int,
        timestamp_ms: Optional[int] = None,
        ip: Optional[str] = None,
        user_agent: Optional[str] = None,
    ) -> None: ...
    def to_json(self) -> str: ...
    def to_dict(self) -> Dict[str, Union[str, int, None]]: ...
    @property
    def timestamp(self) -> str:
        """The ISO 8601 time of the documented shape (``2025-11-27T14:49:14.000Z``)."""
    @property
    def timestamp_ms(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def key_id(self) -> str: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def ip(self) -> Optional[str]: ...
    @property
    def user_agent(self) -> Optional[str]: ...

AlertKind = Literal[
    "request_spike",
    "error_rate_spike",
    "auth_failure_burst",
    "rate_limit_burst",
    "disallowed_network",
    "new_network",
    "off_hours",
    "use_after_revocation",
    "test_key_from_production",
    "read_only_write",
    "foreign_environment",
    "shared_key",
]
Severity = Literal["low", "medium", "high", "critical"]
Phase = Literal["start", "update", "end"]

class Evidence(TypedDict):
    source: str
    line: int

class Alert:
    """One alert of the usage monitor; ``id`` is shared by its start, updates and end."""

    id: str
    kind: AlertKind
    severity: Severity
    key_id: str
    open: bool
    start: str
    end: str
    windows: int
    observed: float
    expected: Optional[float]
    detail: str
    events: int
    top_ips: List[Tuple[str, int]]
    top_networks: List[Tuple[str, int]]
    top_user_agents: List[Tuple[str, int]]
    top_endpoints: List[Tuple[str, int]]
    evidence: List[Evidence]
    action: str
    locations: List[Dict[str, Any]]

class AlertUpdate:
    phase: Phase
    alert: Alert

class KeyUsage:
    key_id: str
    name: Optional[str]
    requests: int
    status_2xx: int
    status_3xx: int
    status_4xx: int
    status_5xx: int
    auth_failures: int
    rate_limited: int
    errors: int
    error_rate: float
    first_seen: str
    last_seen: str
    distinct_ips: int
    distinct_networks: int
    top_networks: List[Tuple[str, int]]
    top_user_agents: List[Tuple[str, int]]
    endpoints: List[Tuple[str, int]]
    hour_of_week: List[int]
    timeline: Dict[str, Any]
    learning: bool
    configured: bool

class IssueCount(TypedDict):
    code: str
    message: str
    count: int
    lines: List[Evidence]

class MonitorReport:
    lines: int
    events: int
    window_minutes: int
    issues: List[IssueCount]
    keys: List[KeyUsage]
    alerts: List[Alert]

class Monitor:
    """The usage monitor in process: per-key usage and the detectors of
    ``pictify-keys audit`` over events handed over as they happen."""

    def __init__(
        self,
        config: Union[str, "os.PathLike[str]", None] = None,
        *,
        on_alert: Optional[Callable[[AlertUpdate], object]] = None,
    ) -> None:
        """``config`` is the TOML text, a path to it, or ``None`` for the defaults. A key in
        it raises ``PictifyInputError`` ``config_contains_secret``; malformed TOML
        ``config_invalid``; a bad value ``config_bad_value``. ``on_alert`` is called with
        each ``AlertUpdate`` after ``feed``, ``advance``, ``finish`` and client requests, in
        the calling thread; an exception it raises propagates."""
    def feed(self, event: Union[AuditEvent, Mapping[str, Any], str, bytes]) -> None:
        """One ``AuditEvent``, a dict in the audit-log shape, or one JSON line of a log."""
    def advance(self, now: Union[float, datetime.datetime, None] = None) -> None:
        """Closes the windows that ended before ``now`` (default: the current time)."""
    def poll(self) -> List[AlertUpdate]:
        """Alert updates since the last poll (with ``on_alert``: what it left undelivered)."""
    def report(self) -> MonitorReport:
        """The report so far, without ending the stream."""
    def finish(self) -> MonitorReport:
        """Judges every window up to the newest event's and returns the report."""
