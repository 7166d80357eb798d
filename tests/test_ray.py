"""Ray Data: a dataset of articles through actors on a local Ray instance (scripted server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from summarizer import ArticleInput, Settings, Summarizer
from summarizer.cli import cli
from summarizer.errors import EndpointError, EndpointUnreachableError, ServerError

from .batch_articles import collect_results
from .fault_server import FaultServer

ray = pytest.importorskip("ray", reason="the [ray] extra is not installed")

pytestmark = [
    pytest.mark.block_network(allowed_hosts=["127.0.0.1"]),
    # Ray warns of its own deprecated settings when it reads its context.
    pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.*"),
]

N = 40
ANSWER = {
    "headline": "Lyon mayor asks for a tram line",
    "summary": "Grégory Doucet asked the state to fund a tram line.",
    "actors": [
        {
            "id": "A1",
            "name": "Grégory Doucet",
            "kind": "person",
            "role": "mayor of Lyon",
            "sentences": [1],
            "quote": "The mayor of Lyon, Grégory Doucet",
        }
    ],
}


def _text(n: int) -> str:
    return f"The mayor of Lyon, Grégory Doucet, asked the state to fund tram line number {n}."


def _rows() -> list[dict[str, Any]]:
    return [{"id": f"a{n}", "text": _text(n), "language": "en"} for n in range(N)]


def _comparable(record: dict[str, Any]) -> dict[str, Any]:
    for volatile in ("seconds", "prompt_tokens", "completion_tokens"):
        record["quality"].pop(volatile)
    return record


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def test_a_dataset_gives_every_article_once_with_the_in_process_record(
    local_ray: None, tmp_path: Any
) -> None:
    from summarizer.ray import summarize_dataset

    with FaultServer(["ok"], ANSWER) as server:
        settings = Settings(base_url=server.url, model="m", backend="vllm", cache_dir=tmp_path)
        dataset = ray.data.from_items(_rows())
        rows = summarize_dataset(dataset, settings, actors=2, num_cpus=0.5).take_all()
        with Summarizer(settings.replace(cache_dir=tmp_path / "direct"), cache=None) as direct:
            mine = direct.summarize(ArticleInput("a7", _text(7), language="en"))
    assert sorted(row["id"] for row in rows) == sorted(f"a{n}" for n in range(N))
    assert all(row["error"] is None and row["exit_code"] == 0 for row in rows)
    seven = next(row for row in rows if row["id"] == "a7")
    assert _comparable(json.loads(seven["record"])) == _comparable(mine.model_dump(mode="json"))
    assert len(server.requests) == N + 1, "one request an article, and one for the direct run"


def test_a_failing_endpoint_gives_error_rows_not_a_failed_dataset(
    local_ray: None, tmp_path: Any
) -> None:
    from summarizer.ray import summarize_dataset

    with (
        FaultServer(["ok"], ANSWER) as good,
        FaultServer(["status:500"], ANSWER) as bad,
    ):
        settings = Settings(model="m", backend="vllm", max_attempts=1, cache_dir=tmp_path)
        dataset = ray.data.from_items(_rows())
        rows = summarize_dataset(
            dataset, settings, endpoints=[good.url, bad.url], actors=2, num_cpus=0.5
        ).take_all()
    assert sorted(row["id"] for row in rows) == sorted(f"a{n}" for n in range(N))
    failed = [row for row in rows if row["error"] is not None]
    assert 0 < len(failed) < N, "the articles sent to the failing endpoint, and only those"
    # HTTP 500, or (when the scripted server drops a connection under load) unreachable:
    # endpoint errors either way, exit 5, never a failed task.
    kinds = {ServerError.__name__, EndpointUnreachableError.__name__}
    assert {row["error_type"] for row in failed} <= kinds
    assert ServerError.__name__ in {row["error_type"] for row in failed}
    assert {row["exit_code"] for row in failed} == {EndpointError("").exit_code}
    assert all(row["record"] is None for row in failed)
    kept = [row for row in rows if row["error"] is None]
    assert all(json.loads(row["record"])["id"] == row["id"] for row in kept)


def test_records_are_written_with_rays_own_writers(local_ray: None, tmp_path: Any) -> None:
    from summarizer.ray import summarize_dataset

    with FaultServer(["ok"], ANSWER) as server:
        settings = Settings(base_url=server.url, model="m", backend="vllm", cache_dir=tmp_path)
        dataset = ray.data.from_items(_rows()[:20])
        summarize_dataset(dataset, settings).write_parquet(str(tmp_path / "records"))
    back = ray.data.read_parquet(str(tmp_path / "records")).take_all()
    assert sorted(row["id"] for row in back) == sorted(f"a{n}" for n in range(20))
    assert all(json.loads(row["record"])["actors"][0]["name"] == "Grégory Doucet" for row in back)


def test_one_article_gives_one_record_in_process_through_a_batch_file_and_in_ray(
    local_ray: None, tmp_path: Any
) -> None:
    from summarizer.ray import summarize_dataset

    row = {"id": "a7", "text": _text(7), "language": "en"}
    inputs = tmp_path / "articles.jsonl"
    inputs.write_text(json.dumps(row) + "\n", encoding="utf-8")
    requests = tmp_path / "requests.jsonl"
    runner = CliRunner()
    with FaultServer(["ok"], ANSWER) as server:
        settings = Settings(base_url=server.url, model="m", backend="vllm", cache_dir=tmp_path)
        with Summarizer(settings, cache=None) as direct:
            mine = direct.summarize(ArticleInput("a7", _text(7), language="en"))
        (in_ray,) = summarize_dataset(ray.data.from_items([row]), settings, cache=False).take_all()
        prepared = runner.invoke(
            cli,
            ["batch", "prepare", str(inputs), "-o", str(requests), "--base-url", server.url,
             "--model", "m", "--backend", "vllm"],
        )  # fmt: skip
        assert prepared.exit_code == 0, prepared.stderr
        line = json.loads(requests.read_text(encoding="utf-8"))
        # The batch line's body sent as it stands, as a provider would run it.
        post = urllib.request.Request(
            f"{server.url}/chat/completions",
            data=json.dumps(line["body"]).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(post, timeout=10) as answer:
            body = json.loads(answer.read())
        sent = list(server.requests)
    assert sent[0] == sent[1] == sent[2], "the three executors send the same request"
    results = tmp_path / "results.jsonl"
    result = {"custom_id": line["custom_id"], "response": {"status_code": 200, "body": body}}
    results.write_text(json.dumps(result) + "\n", encoding="utf-8")
    records = tmp_path / "records.jsonl"
    collected = collect_results(requests, results, inputs, records)
    assert collected.exit_code == 0, collected.stderr
    batched = json.loads(records.read_text(encoding="utf-8"))
    expected = _comparable(mine.model_dump(mode="json"))
    assert _comparable(json.loads(in_ray["record"])) == expected
    assert _comparable(batched) == expected
    assert expected["actors"][0]["evidence"][0]["grounded"] is True


def test_the_cli_ray_engine_resumes_a_jsonl_output_like_the_in_process_one(
    local_ray: None, tmp_path: Any
) -> None:
    feed = tmp_path / "feed.jsonl"
    # No article gives a date: Ray hands the all-null column to the actors as NaN.
    rows = [*({**row, "date": None} for row in _rows()[:12]), {"id": "empty", "text": "   "}]
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    first = tmp_path / "first.jsonl"
    first.write_text("".join(json.dumps(row) + "\n" for row in rows[:4]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    with FaultServer(["ok"], ANSWER) as server:
        common = ["-o", str(out), "--base-url", server.url, "--model", "m", "--backend", "vllm",
                  "--cache-dir", str(tmp_path / "cache")]  # fmt: skip
        started = runner.invoke(cli, ["run", str(first), *common])
        assert started.exit_code == 0, started.stderr
        on_ray = runner.invoke(cli, ["run", str(feed), "--engine", "ray", "--actors", "2", *common])
        again = runner.invoke(cli, ["run", str(feed), "--engine", "ray", *common])
        asked = len(server.requests)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["id"] for line in lines) == sorted(row["id"] for row in rows)
    (failed,) = [line for line in lines if "error" in line]
    assert failed["id"] == "empty"
    assert failed["error"]["exit_code"] == 3
    assert on_ray.exit_code == 3, "the one unreadable article sets the exit status"
    assert asked == 12, "each readable article asked for once, by one engine or the other"
    assert again.exit_code == 0
    assert "skipped" in again.stderr
    by_id = {line["id"]: line for line in lines}
    assert by_id["a9"]["actors"][0]["evidence"][0]["grounded"] is True
    assert _comparable(by_id["a9"])["quality"] == _comparable(by_id["a1"])["quality"]


def test_the_cli_ray_engine_checks_the_endpoint_first_and_keeps_failed_articles_usage(
    local_ray: None, tmp_path: Any
) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(row) + "\n" for row in _rows()[:3]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    runner = CliRunner()
    with FaultServer(["malformed"], ANSWER) as server:
        common = ["-o", str(out), "--base-url", server.url, "--model", "m", "--engine", "ray",
                  "--max-attempts", "1", "--no-cache"]  # fmt: skip
        wrong = runner.invoke(cli, ["run", str(feed), *common, "--mode", "bogus"])
        assert wrong.exit_code == 4, wrong.stderr
        assert not out.exists() or not out.read_text(encoding="utf-8").strip()
        assert not server.requests
        failed = runner.invoke(cli, ["run", str(feed), *common, "--backend", "vllm"])
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert failed.exit_code != 0
    assert len(lines) == 3
    assert all(line["usage"]["prompt_tokens"] > 0 for line in lines), lines


def test_a_ray_run_keeps_rays_logs_out_of_the_terminal_and_sums_up_like_in_process(
    tmp_path: Any,
) -> None:
    """As a user runs it: a local Ray instance started by the command itself."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(row) + "\n" for row in _rows()[:4]), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("RAY_ADDRESS", "SUMMARIZER_RAY_LOGS")}
    closing: dict[str, str] = {}
    with FaultServer(["ok"], ANSWER) as server:
        for engine in ("process", "ray"):
            run = subprocess.run(
                [sys.executable, "-m", "summarizer", str(feed), "-o", str(tmp_path / engine),
                 "--base-url", server.url, "--model", "m", "--backend", "vllm", "--no-cache",
                 "--engine", engine, "--actors", "1"],
                env=env, capture_output=True, text=True, timeout=240, check=False,
            )  # fmt: skip
            assert run.returncode == 0, run.stderr
            others = [
                line for line in run.stderr.splitlines() if not line.startswith("summarizer:")
            ]
            assert not others, f"{engine}: lines that are not the program's own: {others}"
            (closing[engine],) = run.stderr.splitlines()
        asked = len(server.requests)
    assert asked == 8, "each article sent once by each engine"
    lines = [json.loads(line) for line in (tmp_path / "ray").read_text().splitlines()]
    prompt = sum(line["quality"]["prompt_tokens"] for line in lines)
    completion = sum(line["quality"]["completion_tokens"] for line in lines)
    assert prompt > 0
    assert completion > 0
    assert f"tokens {prompt} + {completion};" in closing["ray"], closing["ray"]
    assert closing["ray"] == closing["process"], "the same line as the in-process engine's"
    assert "nothing sent" not in closing["ray"]


def test_the_cli_runs_no_more_actors_than_the_cluster_has_cpus(
    local_ray: None, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarizer.ray as engine

    pools: list[int] = []
    real_pool = engine._actor_pool

    def counted(actors: int) -> Any:
        pools.append(actors)
        return real_pool(actors)

    monkeypatch.setattr(engine, "_actor_pool", counted)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps(row) + "\n" for row in _rows()[:12]), encoding="utf-8")
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(_rows()[0]) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    with FaultServer(["ok"], ANSWER) as server:
        common = ["--base-url", server.url, "--model", "m", "--backend", "vllm", "--no-cache",
                  "--engine", "ray"]  # fmt: skip
        result = CliRunner().invoke(cli, ["run", str(feed), "-o", str(out), *common, "--actors=8"])
        alone = CliRunner().invoke(
            cli, ["run", str(one), "-o", str(tmp_path / "one-out.jsonl"), *common, "--actors=2"]
        )
    assert result.exit_code == 0, result.stderr
    assert alone.exit_code == 0, alone.stderr
    assert pools == [2, 1], "as many actors as the local instance's 2 CPUs, or as articles"
    assert "8 actors asked for, but the Ray cluster has 2 CPUs: 2 run" in result.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 12
