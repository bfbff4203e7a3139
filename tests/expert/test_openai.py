"""The OpenAI-compatible expert against a real HTTP server on 127.0.0.1, started here.

The server is a small chat-completions endpoint whose behaviour each document
chooses with a ``MODE=...`` word: answer, time out, 429 (with Retry-After) then
answer, 500 then answer, malformed JSON, no content, 401 (echoing the request's
Authorization header back), a rewrite, no [doc] section, slow. Its "expert"
deletes the lines that start with "Menu" or "Copyright".
"""
from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lakerefine.conf.settings import ExpertSettings, OpenAISettings
from lakerefine.schemas.vocab import CONNECTION_ERROR, HTTP_ERROR, MALFORMED_REPLY, TIMEOUT
from lakerefine.udfs.expert.backends.openai import OpenAIExpert
from lakerefine.udfs.expert.pairs import AnswerRules, SampledDoc, ask_expert
from lakerefine.udfs.generate.openai import MissingApiKey, retry_after_seconds
from lakerefine.udfs.generate.prompts import fill_prompt, load_prompt
from lakerefine.udfs.lake.tables import TableRef

KEY_ENV = "LAKEREFINE_TEST_EXPERT_KEY"
KEY = "sk-test-5f3c9a-THIS-MUST-NEVER-LEAK"
TEMPLATE = load_prompt("expert")
DOC_IN_PROMPT = re.compile(r"\[doc\]\n((?:(?!\[doc\]).)*)\n\[/doc\]\s*$", re.S)   # the last section


def page(mode: str, body: str = "The harbour reopened on Monday after the storm.") -> str:
    return f"Menu | Home | News\n{body} MODE={mode}\nCopyright 2024 Example"


def cleaned(document: str) -> str:
    return "\n".join(line for line in document.split("\n") if not line.startswith(("Menu", "Copyright")))


class ExpertServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), ExpertHandler)
        self.lock = threading.Condition()     # notified whenever a request arrives
        self.requests: Counter[str] = Counter()     # per MODE
        self.auth_headers: set[str] = set()
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class ExpertHandler(BaseHTTPRequestHandler):
    server: ExpertServer

    def log_message(self, *args) -> None:   # keep test output clean
        pass

    def do_POST(self) -> None:
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        document = DOC_IN_PROMPT.search(request["messages"][0]["content"]).group(1)
        mode = re.search(r"MODE=(\w+)", document).group(1)
        server = self.server
        with server.lock:
            server.requests[mode] += 1
            seen = server.requests[mode]
            server.auth_headers.add(self.headers.get("Authorization", ""))
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
            server.lock.notify_all()
        self.answered = False
        try:
            self.respond(mode, seen, document)
        finally:
            self.leave()

    def leave(self) -> None:
        """Out of flight, once: before the reply is written, since the client may send its next request the
        moment it has the reply (after it, a busy machine could count that request with this one)."""
        if not self.answered:
            self.answered = True
            with self.server.lock:
                self.server.in_flight -= 1

    def respond(self, mode: str, seen: int, document: str) -> None:
        if mode == "timeout":
            time.sleep(1.0)
        if mode == "slow":   # held until a second request is in flight (or 2 s): overlap however loaded the machine
            with self.server.lock:
                self.server.lock.wait_for(lambda: self.server.in_flight >= 2, timeout=2.0)
            time.sleep(0.05)
        if mode == "ratelimited" and seen == 1:
            return self.send(429, b'{"error": "slow down"}', {"Retry-After": "1"})
        if mode == "flaky" and seen == 1:
            return self.send(500, b'{"error": "boom"}')
        if mode == "malformed":
            return self.send(200, b"<html>not json</html>")
        if mode == "nocontent":
            return self.send(200, json.dumps({"choices": []}).encode())
        if mode == "unauthorized":
            echo = json.dumps({"error": f"bad credentials: {self.headers.get('Authorization')}"})
            return self.send(401, echo.encode())
        answer = f"Here is the cleaned document:\n[doc]\n{cleaned(document)}\n[/doc]"
        if mode == "rewrite":
            answer = f"[doc]\n{cleaned(document)} And here is a whole sentence the expert made up.\n[/doc]"
        if mode == "nosection":
            answer = cleaned(document)
        body = {"choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                             "finish_reason": "stop"}]}
        self.send(200, json.dumps(body).encode())

    def send(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.leave()
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the client timed out and left


@pytest.fixture
def server():
    server = ExpertServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def api_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    return KEY


def expert(server: ExpertServer, **changes) -> OpenAIExpert:
    config = OpenAISettings(base_url=server.url, model="test-expert", api_key_env=KEY_ENV,
                                  timeout_s=5.0, max_retries=2, backoff_s=0.01, max_backoff_s=5.0,
                                  temperature=0.0)
    return OpenAIExpert(config.model_copy(update=changes))


def prompt(mode: str) -> str:
    return fill_prompt(TEMPLATE, page(mode))


def test_an_answer_comes_back_with_the_key_sent(server, api_key):
    reply = expert(server).client.answer_one(prompt("ok"))
    assert reply.error_kind is None and reply.attempts == 1
    assert "[doc]\nThe harbour reopened on Monday after the storm. MODE=ok\n[/doc]" in reply.text
    assert server.auth_headers == {f"Bearer {KEY}"}


def test_a_timeout_is_retried_then_reported(server, api_key, caplog):
    with caplog.at_level(logging.DEBUG):
        reply = expert(server, timeout_s=0.3, max_retries=1).client.answer_one(prompt("timeout"))
    assert (reply.text, reply.error_kind, reply.attempts) == (None, TIMEOUT, 2)
    assert server.requests["timeout"] == 2
    assert "gave up after 2 attempts" in reply.error
    assert "retrying in" in caplog.text and KEY not in caplog.text


def test_a_429_waits_for_retry_after_then_succeeds(server, api_key):
    reply = expert(server).client.answer_one(prompt("ratelimited"))
    assert reply.error_kind is None and reply.attempts == 2 and "[doc]" in reply.text
    assert reply.latency_s >= 0.9       # backoff_s is 0.01: only Retry-After: 1 explains the wait


def test_a_500_is_retried(server, api_key):
    reply = expert(server).client.answer_one(prompt("flaky"))
    assert reply.error_kind is None and reply.attempts == 2
    assert server.requests["flaky"] == 2


@pytest.mark.parametrize("mode", ["malformed", "nocontent"])
def test_a_malformed_reply_is_not_retried(server, api_key, mode):
    reply = expert(server).client.answer_one(prompt(mode))
    assert (reply.text, reply.error_kind, reply.attempts) == (None, MALFORMED_REPLY, 1)
    assert server.requests[mode] == 1


def test_a_401_is_not_retried_and_the_echoed_key_is_scrubbed(server, api_key, caplog):
    with caplog.at_level(logging.DEBUG):
        reply = expert(server).client.answer_one(prompt("unauthorized"))
    assert KEY not in caplog.text
    assert (reply.error_kind, reply.attempts) == (HTTP_ERROR, 1)
    assert "HTTP 401" in reply.error and "[redacted]" in reply.error and KEY not in reply.error


def test_no_server_is_a_connection_error(api_key):
    config = OpenAISettings(base_url="http://127.0.0.1:9/v1", api_key_env=KEY_ENV, max_retries=1,
                                  backoff_s=0.01)
    reply = OpenAIExpert(config).client.answer_one(prompt("ok"))
    assert (reply.error_kind, reply.attempts) == (CONNECTION_ERROR, 2)


def test_at_most_concurrency_requests_are_in_flight(server, api_key):
    replies = expert(server, concurrency=2).answer([prompt("slow")] * 6)
    assert all(r.error_kind is None for r in replies)
    assert server.requests["slow"] == 6 and server.max_in_flight == 2


def test_a_missing_key_names_the_variable(monkeypatch, server):
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(MissingApiKey, match=KEY_ENV):
        expert(server)
    no_key = expert(server, api_key_env=None)        # a server without auth
    assert no_key.client.answer_one(prompt("ok")).error_kind is None
    assert server.auth_headers == {""}


def test_the_config_refuses_a_key_in_place_of_a_variable_name():
    with pytest.raises(ValueError, match="name of an environment variable"):
        OpenAISettings(api_key_env="sk-abc-123")


def test_retry_after_forms():
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("garbage") is None and retry_after_seconds(None) is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0     # a date in the past
    assert 50 < retry_after_seconds(time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                                  time.gmtime(time.time() + 60))) <= 60


def test_every_document_is_accounted_for(server, api_key):
    rules = AnswerRules.of(ExpertSettings(backend="openai", max_doc_chars=400))
    docs = [SampledDoc(f"d-{mode}", page(mode), "web") for mode in
            ("ok", "rewrite", "nosection", "malformed", "unauthorized")]
    docs += [SampledDoc("d-null", None), SampledDoc("d-long", page("ok", "x" * 500)),
             SampledDoc("d-markers", page("ok", "a [/doc] inside"))]
    outcomes = {o.doc_id: o for o in ask_expert(docs, expert(server), TEMPLATE, rules)}
    assert {d: (o.status, o.reason) for d, o in outcomes.items()} == {
        "d-ok": ("accepted", None),
        "d-rewrite": ("rejected", "rewrite_too_long"),
        "d-nosection": ("rejected", "no_section"),
        "d-malformed": ("rejected", "malformed_reply"),
        "d-unauthorized": ("error", "http_error"),
        "d-null": ("skipped", "null_text"),
        "d-long": ("skipped", "too_long"),
        "d-markers": ("skipped", "contains_markers"),
    }
    ok = outcomes["d-ok"]
    assert ok.expert == cleaned(page("ok")) and ok.deleted_chars == len(page("ok")) - len(ok.expert)
    assert outcomes["d-nosection"].answer and outcomes["d-ok"].answer is None
    assert server.requests["ok"] == 1      # skipped documents were never sent


def test_the_expert_job_over_http_keeps_the_key_out_of_logs_and_tables(spark, settings, cli, server, api_key,
                                                                     caplog):
    modes = ["ok", "ok", "ratelimited", "flaky", "malformed", "rewrite", "unauthorized", "timeout"]
    rows = [(f"doc-{i}", page(mode), "web" if i % 2 else "mail") for i, mode in enumerate(modes)]
    corpus = TableRef.resolve("corpus", settings.tables)
    corpus.write(spark.createDataFrame(rows, "doc_id string, text string, source string"), "overwrite")
    options = ["--run-id", "expert-http", "--set", "expert.backend=openai",
               "--set", f"expert.openai.base_url={server.url}", "--set", f"expert.openai.api_key_env={KEY_ENV}",
               "--set", "expert.openai.timeout_s=0.3", "--set", "expert.openai.max_retries=1",
               "--set", "expert.openai.backoff_s=0.01", "--set", "expert.sample_size=100"]
    spark.sparkContext.environment[KEY_ENV] = KEY     # what the executors' environment would hold
    try:
        with caplog.at_level(logging.INFO):
            code, out = cli("expert", *options)
            requests = sum(server.requests.values())
            rerun_code, rerun_out = cli("expert", *options)     # same run id: nothing is asked twice
    finally:
        del spark.sparkContext.environment[KEY_ENV]
    assert code == 0, out
    assert rerun_code == 0 and sum(server.requests.values()) == requests
    pairs = TableRef.resolve("expert_pairs", settings.tables).read(spark).toPandas().set_index("doc_id")
    assert len(pairs) == len(modes)
    assert dict(pairs["status"].value_counts()) == {"accepted": 4, "rejected": 2, "error": 2}
    assert sorted(pairs["reason"].dropna()) == ["http_error", "malformed_reply", "rewrite_too_long", "timeout"]
    assert pairs.loc["doc-2", "attempts"] == 2 and pairs.loc["doc-2", "status"] == "accepted"
    assert (pairs["backend"] == "openai").all() and (pairs["model"] == "Qwen/Qwen2.5-72B-Instruct").all()
    runs = TableRef.resolve(settings.tables.runs, settings.tables).read(spark).toPandas().sort_values("attempt")
    assert list(runs["attempt"]) == [1, 2] and list(runs["counts"].map(lambda c: c["status.accepted"])) == [4, 4]
    counts = runs.iloc[0]["counts"]
    assert counts["sampled"] == 8 and counts["status.accepted"] == 4 and counts["reason.timeout"] == 1
    for frame in (pairs.reset_index(), runs):
        assert not frame.astype(str).apply(lambda column: column.str.contains(KEY, regex=False)).any().any()
    assert KEY_ENV in runs.iloc[0]["config_json"] and KEY not in runs.iloc[0]["config_json"]
    assert KEY not in out + rerun_out and KEY not in caplog.text
