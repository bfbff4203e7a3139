"""Generation by an OpenAI-compatible ``/v1/chat/completions`` endpoint over HTTP.

Works with vLLM's and SGLang's servers, TGI's Messages API and hosted APIs.
Standard library only (``urllib``). Per prompt: one request, retried after a
timeout, a lost connection, HTTP 408/429/5xx, waiting the server's
``Retry-After`` when it sends one, else ``backoff_s * 2**k`` with jitter (both
capped at ``max_backoff_s``); at most ``concurrency`` requests in flight.

The API key is read from the environment variable ``api_key_env`` names, on the
machine that sends the requests (a Spark executor: set it there, e.g. with
``spark.executorEnv.<NAME>`` or the cluster's secret scope). It lives only in
this object's request headers: it is never logged, never put in an error
message (messages are scrubbed of it) and never sent across a redirect
(redirects are not followed).
"""
from __future__ import annotations

import email.utils
import json
import logging
import os
import random
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from http.client import HTTPException
from typing import TYPE_CHECKING, Any

from .base import CONNECTION_ERROR, HTTP_ERROR, MALFORMED_REPLY, TIMEOUT, Reply

if TYPE_CHECKING:
    from lakerefine.conf.settings import OpenAISettings

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_BODY_IN_MESSAGE = 200
REDACTED = "[redacted]"


class MissingApiKey(ValueError):
    pass


def read_api_key(env_name: str | None, setting: str = "api_key_env") -> str | None:
    """The key in ``$env_name`` (None when no variable is configured); fails naming the variable only."""
    if env_name is None:
        return None
    key = os.environ.get(env_name, "")
    if not key:
        raise MissingApiKey(f"{setting}: the environment variable {env_name} is not set where the requests "
                            f"are sent from (on a cluster: on the executors), or set {setting} to null for a "
                            "server without a key")
    return key


class _Retryable(Exception):
    def __init__(self, kind: str, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.kind, self.retry_after = kind, retry_after


class _Failure(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect becomes an HTTP error: urllib would resend the Authorization header anywhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class OpenAIClient:
    def __init__(self, config: OpenAISettings, setting: str = "openai"):
        self.config = config
        self.model_name = config.model
        self.url = config.base_url.rstrip("/") + "/chat/completions"
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        self._key = read_api_key(config.api_key_env, f"{setting}.api_key_env")
        if self._key:
            self._headers["Authorization"] = f"Bearer {self._key}"
        self._opener = urllib.request.build_opener(_NoRedirects)

    def answer(self, prompts: list[str]) -> list[Reply]:
        """One reply per prompt (a user message), at most ``concurrency`` requests in flight."""
        if not prompts:
            return []
        with ThreadPoolExecutor(max_workers=min(self.config.concurrency, len(prompts))) as pool:
            return list(pool.map(self.answer_one, prompts))

    def answer_one(self, prompt: str) -> Reply:
        start = time.monotonic()
        attempts = 0
        while True:
            attempts += 1
            try:
                text = reply_text(self._post(self._payload(prompt)))
                return Reply(text, time.monotonic() - start, attempts)
            except _Retryable as err:
                message = self._redact(str(err))
                if attempts > self.config.max_retries:
                    return Reply.failed(err.kind, f"{message} (gave up after {attempts} attempts)",
                                              time.monotonic() - start, attempts)
                delay = self._delay(attempts, err.retry_after)
                log.warning("request attempt %d failed (%s); retrying in %.2fs", attempts, message, delay)
                time.sleep(delay)
            except _Failure as err:
                return Reply.failed(err.kind, self._redact(str(err)), time.monotonic() - start, attempts)

    def _payload(self, prompt: str) -> dict[str, Any]:
        config = self.config
        payload: dict[str, Any] = {
            "model": config.model,
            "messages": [{"role": "user", "content": prompt}],
            "max_tokens": config.max_new_tokens,
            "temperature": config.temperature,
            "top_p": config.top_p,
            "seed": config.seed,
        }
        if config.top_k is not None:
            payload["top_k"] = config.top_k   # vLLM, SGLang; hosted OpenAI wants top_k: null
        payload.update(config.extra_body)
        return payload

    def _post(self, payload: dict[str, Any]) -> bytes:
        request = urllib.request.Request(self.url, data=json.dumps(payload).encode("utf-8"),
                                         headers=self._headers, method="POST")
        try:
            with self._opener.open(request, timeout=self.config.timeout_s) as response:
                return response.read()
        except urllib.error.HTTPError as err:
            message = f"HTTP {err.code} from {self.url}: {_body_start(err)}"
            if err.code in RETRY_STATUSES:
                raise _Retryable(HTTP_ERROR, message, retry_after_seconds(err.headers.get("Retry-After"))) from None
            raise _Failure(HTTP_ERROR, message) from None
        except TimeoutError:
            raise _Retryable(TIMEOUT, f"no reply from {self.url} within {self.config.timeout_s}s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError):
                raise _Retryable(TIMEOUT, f"no reply from {self.url} within {self.config.timeout_s}s") from None
            raise _Retryable(CONNECTION_ERROR, f"cannot reach {self.url}: {err.reason}") from None
        except (HTTPException, OSError) as err:   # connection reset, bad status line, ...
            raise _Retryable(CONNECTION_ERROR, f"connection to {self.url} failed: {type(err).__name__}") from None

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        cap = self.config.max_backoff_s
        if retry_after is not None:
            return min(retry_after, cap)
        base = min(cap, self.config.backoff_s * 2 ** (attempt - 1))
        return base / 2 + random.uniform(0, base / 2)

    def _redact(self, text: str) -> str:
        return text.replace(self._key, REDACTED) if self._key else text


def reply_text(body: bytes) -> str:
    """``choices[0].message.content`` of a chat completion, or a MALFORMED_REPLY failure."""
    try:
        data = json.loads(body)
    except ValueError:
        raise _Failure(MALFORMED_REPLY, f"the reply is not JSON: {body[:MAX_BODY_IN_MESSAGE]!r}") from None
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise _Failure(MALFORMED_REPLY, "the reply has no choices[0].message.content") from None
    if not isinstance(content, str):
        raise _Failure(MALFORMED_REPLY, f"choices[0].message.content is {type(content).__name__}, not text")
    return content


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header in seconds: delta-seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _body_start(err: urllib.error.HTTPError) -> str:
    try:
        return err.read()[:MAX_BODY_IN_MESSAGE].decode("utf-8", "replace")
    except Exception:
        return ""
