"""Provider batch files: prepare, collect, and the rounds between (hand-built results files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from summarizer import Settings, Summarizer, read_inputs
from summarizer.cli import cli
from summarizer.errors import PARTIAL_EXIT_CODE, EndpointError

from .batch_articles import (
    TEXTS,
    collect_results,
    drafted,
    hand_built_result,
    read_lines,
    write_inputs,
)
from .fault_server import FaultServer

# The scripted server runs on loopback; nothing else is reachable.
pytestmark = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def test_rounds_end_with_every_article_once_nothing_lost_or_doubled(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    runner = CliRunner()
    prepared = runner.invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)])
    assert prepared.exit_code == 0, prepared.stderr
    lines = read_lines(requests)
    assert [line["custom_id"] for line in lines] == list(TEXTS)
    assert {line["url"] for line in lines} == {"/v1/chat/completions"}
    assert lines[0]["body"]["model"] == "gpt-4o-mini", "the hosted API's default model"
    ids = [line["custom_id"] for line in lines]

    # Round 1: a1 answered, a2 answered wrongly, a3 not answered; one line is garbage.
    results = tmp_path / "results.jsonl"
    results.write_text(
        "\n".join(
            [
                hand_built_result(ids[0], drafted("a1")),
                hand_built_result(ids[1], drafted("a2", bad=True)),
                "{not json",
            ]
        ),
        encoding="utf-8",
    )
    records = tmp_path / "records.jsonl"
    collect = ["batch", "collect", "--inputs", str(inputs), "-o", str(records)]
    first = runner.invoke(cli, [*collect, str(requests), "--results", str(results)])
    assert first.exit_code == 0, first.stderr
    assert "not a batch result" in first.stderr
    assert [r["id"] for r in read_lines(records)] == [ids[0]]
    round2 = tmp_path / "requests.round2.jsonl"
    assert "next round: " in first.stderr
    again = read_lines(round2)
    assert [line["custom_id"] for line in again] == ids[1:]
    reask = again[0]["body"]["messages"]
    assert reask[-2]["role"] == "assistant"
    assert "Correct your JSON" in reask[-1]["content"], "the validation error goes back"
    assert again[1]["body"] == lines[2]["body"], "an unanswered request is sent again as it was"

    # Collecting round 1 again changes nothing.
    repeat = runner.invoke(cli, [*collect, str(requests), "--results", str(results)])
    assert repeat.exit_code == 0, repeat.stderr
    assert len(read_lines(records)) == 1

    # Round 2: a2 fixed; a3 fails again and its budget (2 attempts) is spent.
    results2 = tmp_path / "results2.jsonl"
    results2.write_text(
        hand_built_result(ids[1], drafted("a2")) + "\n" + hand_built_result(ids[2], None, 500),
        encoding="utf-8",
    )
    second = runner.invoke(
        cli, [*collect, str(round2), "--results", str(results2), "--max-attempts", "2"]
    )
    assert second.exit_code == EndpointError("").exit_code, second.stderr
    out = read_lines(records)
    assert [r["id"] for r in out] == ids, "every article exactly once"
    assert out[1]["quality"]["reasks"] == 1
    assert out[1]["quality"]["attempts"] == 2
    assert out[1]["actors"][0]["evidence"][0]["grounded"]
    assert "HTTP 500" in out[2]["error"]["message"]
    assert not (tmp_path / "requests.round3.jsonl").exists()


def test_collect_refuses_inputs_that_changed_since_the_round_was_prepared(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    runner = CliRunner()
    assert runner.invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)]).exit_code == 0
    custom_id = read_lines(requests)[0]["custom_id"]
    results = tmp_path / "results.jsonl"
    results.write_text(hand_built_result(custom_id, drafted("a1")), encoding="utf-8")
    changed = inputs.read_text(encoding="utf-8").replace("tram line", "metro line")
    inputs.write_text(changed, encoding="utf-8")
    records = tmp_path / "records.jsonl"
    result = collect_results(requests, results, inputs, records, "--max-attempts", "1")
    assert result.exit_code != 0
    first = read_lines(records)[0]
    assert first["id"] == custom_id
    assert "as they were when the round was prepared" in first["error"]["message"]


def test_one_article_gives_the_same_record_in_process_and_through_a_batch_file(
    tmp_path: Path,
) -> None:
    inputs = write_inputs(tmp_path)
    with FaultServer(["ok"], drafted("a1")) as server:
        settings = Settings(base_url=server.url, model="m", backend="vllm")

        item = read_inputs([str(inputs)])[0]
        with Summarizer(settings) as summarizer:
            direct = summarizer.summarize(item)
        sent = server.requests[0]
    requests = tmp_path / "requests.jsonl"
    runner = CliRunner()
    prepared = runner.invoke(
        cli,
        ["batch", "prepare", str(inputs), "-o", str(requests), "--base-url", server.url,
         "--model", "m", "--backend", "vllm"],
    )  # fmt: skip
    assert prepared.exit_code == 0, prepared.stderr
    line = read_lines(requests)[0]
    assert line["body"] == sent, "the batch line's body is what the in-process client sends"
    results = tmp_path / "results.jsonl"
    completion = hand_built_result(line["custom_id"], drafted("a1"))
    results.write_text(completion, encoding="utf-8")
    records = tmp_path / "records.jsonl"
    collected = collect_results(requests, results, inputs, records)
    assert collected.exit_code == 0, collected.stderr
    batched = read_lines(records)[0]
    mine = direct.model_dump(mode="json")
    for record in (batched, mine):
        for counted in (record["quality"], *record["quality"]["chunks"]):
            counted.pop("prompt_tokens")
            counted.pop("completion_tokens")
        record["quality"].pop("seconds")
    assert batched == mine


def test_a_long_article_is_one_line_per_part_and_one_record_once_all_came_back(
    tmp_path: Path,
) -> None:
    from .long_articles import NAMED, TEXT, oracle_draft

    inputs = tmp_path / "long.jsonl"
    inputs.write_text(json.dumps({"id": "long", "text": TEXT, "language": "en"}) + "\n")
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(
        cli,
        ["batch", "prepare", str(inputs), "-o", str(requests), "--chunk-tokens", "150",
         "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--backend", "vllm",
         "--max-attempts", "2"],
    )  # fmt: skip
    assert prepared.exit_code == 0, prepared.stderr
    lines = read_lines(requests)
    ids = [line["custom_id"] for line in lines]
    assert len(ids) >= 3
    assert ids == [f"long#part{n}" for n in range(1, len(ids) + 1)]
    assert f"{len(ids)} request(s) for 1 article(s)" in prepared.stderr

    # Round 1: every part answered but the second, which the batch failed.
    results = tmp_path / "results.jsonl"
    results.write_text(
        "\n".join(
            hand_built_result(line["custom_id"], None if n == 1 else oracle_draft(line["body"]),
                              status=500 if n == 1 else 200)
            for n, line in enumerate(lines)
        ) + "\n", encoding="utf-8",
    )  # fmt: skip
    records = tmp_path / "records.jsonl"
    first = collect_results(requests, results, inputs, records, "--max-attempts", "2")
    assert first.exit_code == 0, first.stderr
    assert not records.exists() or records.read_text(encoding="utf-8") == ""
    round2 = tmp_path / "requests.round2.jsonl"
    again = read_lines(round2)
    assert [line["custom_id"] for line in again] == ["long#part2"], "only the failed part"
    assert (tmp_path / "requests.round2.parts.jsonl").exists(), "the answered parts are kept"

    # Had round 2 answered, the record would be whole (collected into another file).
    answered = tmp_path / "answered.round2.jsonl"
    answered.write_text(hand_built_result("long#part2", oracle_draft(again[0]["body"])) + "\n")
    whole = tmp_path / "whole.jsonl"
    complete = collect_results(round2, answered, inputs, whole, "--max-attempts", "2")
    assert complete.exit_code == 0, complete.stderr
    (merged,) = read_lines(whole)
    assert merged["quality"]["partial"] is False
    assert sorted(e["evidence"][0]["sentence"] for e in merged["events"]) == NAMED

    # Round 2: the second part fails again, and its budget of two attempts is spent.
    results2 = tmp_path / "results.round2.jsonl"
    results2.write_text(hand_built_result("long#part2", None, status=500) + "\n")
    second = collect_results(round2, results2, inputs, records, "--max-attempts", "2")
    assert second.exit_code == PARTIAL_EXIT_CODE, second.stderr
    (record,) = read_lines(records)
    quality = record["quality"]
    assert quality["partial"] is True
    assert [c["error"] is not None for c in quality["chunks"]] == [n == 1 for n in range(len(ids))]
    found = sorted(e["evidence"][0]["sentence"] for e in record["events"])
    unread = quality["unread"][0]
    missing = set(range(unread["first_sentence"], unread["last_sentence"] + 1))
    assert found == [n for n in NAMED if n not in missing]
    assert not (tmp_path / "requests.round3.jsonl").exists()


def test_a_raw_line_separator_in_an_article_and_its_answer_survives_the_batch_files(
    tmp_path: Path,
) -> None:
    inputs = tmp_path / "articles.jsonl"
    text = TEXTS["a1"] + "\u2028The works start in May."
    inputs.write_text(
        json.dumps({"id": "a1", "text": text, "language": "en"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)])
    assert prepared.exit_code == 0, prepared.stderr
    draft = {**drafted("a1"), "summary": "Grégory Doucet acted.\u2028Works start in May."}
    line = json.loads(hand_built_result("a1", draft))
    line["response"]["body"]["choices"][0]["message"]["content"] = json.dumps(
        draft, ensure_ascii=False
    )
    results = tmp_path / "results.jsonl"
    results.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    records = tmp_path / "records.jsonl"
    collected = collect_results(requests, results, inputs, records)
    assert collected.exit_code == 0, collected.stderr
    [record] = read_lines(records)
    assert record["text"] == text
    assert record["summary"].startswith("Grégory Doucet acted.")


def test_batch_prepare_refuses_a_lone_surrogate_and_writes_the_other_requests(
    tmp_path: Path,
) -> None:
    inputs = tmp_path / "articles.jsonl"
    inputs.write_text(
        '{"id": "a1", "text": "The mayor spoke.\\udfff", "language": "en"}\n'
        + json.dumps({"id": "a2", "text": TEXTS["a2"], "language": "en"})
        + "\n",
        encoding="utf-8",
    )
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)])
    assert prepared.exit_code == 3, prepared.stderr
    assert "lone surrogate" in prepared.stderr
    assert prepared.exception is None or isinstance(prepared.exception, SystemExit)
    assert [line["custom_id"] for line in read_lines(requests)] == ["a2"]


def test_an_answer_wins_over_a_failure_for_the_same_request_whatever_the_order(
    tmp_path: Path,
) -> None:
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)])
    assert prepared.exit_code == 0, prepared.stderr
    results = tmp_path / "results.jsonl"
    results.write_text(
        "\n".join(
            [
                hand_built_result("a1", None, 500),
                hand_built_result("a1", drafted("a1")),
                hand_built_result("a2", drafted("a2")),
                hand_built_result("a2", None, 500),
                hand_built_result("a3", drafted("a3")),
            ]
        ),
        encoding="utf-8",
    )
    records = tmp_path / "records.jsonl"
    result = collect_results(requests, results, inputs, records)
    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in read_lines(records)] == ["a1", "a2", "a3"]
    assert all("error" not in r for r in read_lines(records))
    assert not (tmp_path / "requests.round2.jsonl").exists(), "no answer is paid for twice"


def test_prepare_replaces_only_a_round_of_its_own_unless_forced(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    parts = tmp_path / "requests.parts.jsonl"
    prepare = ["batch", "prepare", str(inputs), "-o", str(requests)]
    runner = CliRunner()
    requests.write_text("my own notes\n", encoding="utf-8")
    refused = runner.invoke(cli, prepare)
    assert refused.exit_code == 2, refused.stderr
    assert "not a batch file written by summarizer" in refused.stderr
    assert requests.read_text(encoding="utf-8") == "my own notes\n"
    assert not (tmp_path / "requests.state.jsonl").exists()

    requests.unlink()
    parts.write_text('{"mine": true}\n', encoding="utf-8")
    refused = runner.invoke(cli, prepare)
    assert refused.exit_code == 2, refused.stderr
    assert parts.read_text(encoding="utf-8") == '{"mine": true}\n', "never deleted unasked"
    assert not requests.exists()

    forced = runner.invoke(cli, [*prepare, "--force"])
    assert forced.exit_code == 0, forced.stderr
    assert not parts.exists()
    again = runner.invoke(cli, prepare)
    assert again.exit_code == 0, "a round of its own is replaced without --force"
    assert [line["custom_id"] for line in read_lines(requests)] == list(TEXTS)


def test_an_article_id_that_looks_like_a_part_never_collides_with_a_part(tmp_path: Path) -> None:
    from .long_articles import TEXT, oracle_draft

    inputs = tmp_path / "inputs.jsonl"
    inputs.write_text(
        json.dumps({"id": "a1", "text": TEXT, "language": "en"}) + "\n"
        + json.dumps({"id": "a1#part2", "text": TEXTS["a1"], "language": "en"}) + "\n"
        + json.dumps({"id": "100%", "text": TEXTS["a2"], "language": "en"}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(
        cli,
        ["batch", "prepare", str(inputs), "-o", str(requests), "--chunk-tokens", "150",
         "--base-url", "http://127.0.0.1:9/v1", "--model", "m", "--backend", "vllm"],
    )  # fmt: skip
    assert prepared.exit_code == 0, prepared.stderr
    lines = read_lines(requests)
    ids = [line["custom_id"] for line in lines]
    assert len(set(ids)) == len(ids), "one custom_id, one request"
    assert ids[-2:] == ["a1%23part2", "100%25"], "only % and # are escaped"
    assert "a1#part2" in ids, "the long article's second part"
    answers = {"a1%23part2": drafted("a1"), "100%25": drafted("a2")}
    results = tmp_path / "results.jsonl"
    results.write_text(
        "\n".join(
            hand_built_result(line["custom_id"],
                              answers.get(line["custom_id"]) or oracle_draft(line["body"]))
            for line in lines
        ), encoding="utf-8",
    )  # fmt: skip
    records = tmp_path / "records.jsonl"
    collected = collect_results(requests, results, inputs, records)
    assert collected.exit_code == 0, collected.stderr
    by_id = {r["id"]: r for r in read_lines(records)}
    assert sorted(by_id) == ["100%", "a1", "a1#part2"]
    assert by_id["a1"]["quality"]["partial"] is False
    assert by_id["a1#part2"]["actors"][0]["name"] == "Grégory Doucet"


def test_a_key_echoed_in_a_batch_answer_is_kept_out_of_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "sk-batch-key-echoed-by-the-model-0123"
    monkeypatch.setenv("OPENAI_API_KEY", key)
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)])
    assert prepared.exit_code == 0, prepared.stderr
    echoed = {**drafted("a1"), "summary": f"The key is {key}."}
    results = tmp_path / "results.jsonl"
    results.write_text(hand_built_result("a1", echoed), encoding="utf-8")
    records = tmp_path / "records.jsonl"
    collected = collect_results(requests, results, inputs, records)
    assert collected.exit_code == 0, collected.stderr
    assert read_lines(records)[0]["summary"] == "The key is [redacted]."
    assert key[:12] not in records.read_text(encoding="utf-8")


def test_an_article_missing_from_the_inputs_keeps_its_paid_answer_for_a_later_collect(
    tmp_path: Path,
) -> None:
    inputs = write_inputs(tmp_path)
    requests = tmp_path / "requests.jsonl"
    prepared = CliRunner().invoke(cli, ["batch", "prepare", str(inputs), "-o", str(requests)])
    assert prepared.exit_code == 0, prepared.stderr
    results = tmp_path / "results.jsonl"
    results.write_text("\n".join(hand_built_result(k, drafted(k)) for k in TEXTS), encoding="utf-8")
    partial = tmp_path / "some.jsonl"
    partial.write_text("".join(inputs.read_text(encoding="utf-8").splitlines(True)[:2]))
    records = tmp_path / "records.jsonl"
    first = collect_results(requests, results, partial, records)
    assert first.exit_code == 3, first.stderr
    assert [r["id"] for r in read_lines(records)] == ["a1", "a2"], "no error line for a3"
    advice = " ".join(first.stderr.split())
    assert "a3: not among the inputs" in advice
    assert "collect requests.jsonl again with it among the inputs" in advice
    assert not (tmp_path / "requests.round2.jsonl").exists(), "nothing sent again"
    # The advice followed: the answer paid for is read now, nothing else is.
    second = collect_results(requests, results, inputs, records)
    assert second.exit_code == 0, second.stderr
    out = read_lines(records)
    assert [r["id"] for r in out] == ["a1", "a2", "a3"]
    assert all("error" not in r for r in out)


def test_collect_fills_the_cache_so_the_same_article_run_in_process_is_a_hit(
    tmp_path: Path,
) -> None:
    from summarizer.cache import open_cache

    inputs = write_inputs(tmp_path)
    with FaultServer(["ok"], drafted("a1")) as server:
        options = ["--base-url", server.url, "--model", "m", "--backend", "vllm", "--strict"]
        requests = tmp_path / "requests.jsonl"
        prepared = CliRunner().invoke(
            cli, ["batch", "prepare", str(inputs), "-o", str(requests), *options]
        )
        assert prepared.exit_code == 0, prepared.stderr
        results = tmp_path / "results.jsonl"
        results.write_text(hand_built_result("a1", drafted("a1")), encoding="utf-8")
        records = tmp_path / "records.jsonl"
        collected = collect_results(requests, results, inputs, records)
        assert collected.exit_code == 0, collected.stderr
        settings = Settings.from_env(base_url=server.url, model="m", backend="vllm", strict=True)
        cache = open_cache(settings.cache_dir)
        assert cache is not None
        with Summarizer(settings, cache=cache) as summarizer:
            record = summarizer.summarize(read_inputs([str(inputs)])[0])
        cache.close()
        assert server.requests == [], "a cache hit: nothing sent"
    assert record.model_dump(mode="json") == read_lines(records)[0]
