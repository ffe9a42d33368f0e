"""learn and dedup in shards, without a cluster: --shard I/N --partial FILE, then --merge.

A few hundred files split into 3 shards; the merged rules file and dedup
report are byte for byte those of the unsharded run, whatever the order the
partials are given in.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from .conftest import run_cli
from .test_dask import BOILERPLATE, make_corpus

LEARN_ARGS = ("--min-docs", "3", "--min-share", "0.3")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("shards") / "in")


def ok(*args: str) -> str:
    r = run_cli(*args)
    assert r.returncode == 0, r.stderr
    return r.stderr.decode()


def fails(*args: str) -> str:
    """The one error line of a run that must exit 2."""
    r = run_cli(*args)
    lines = [ln for ln in r.stderr.decode().splitlines() if ln.strip()]
    assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith("scrubber: error: "), (r.returncode, lines)
    return lines[0]


@pytest.fixture(scope="module")
def learn_partials(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    out = tmp_path_factory.mktemp("learn-parts")
    parts = []
    for i in (1, 2, 3):
        part = out / f"learn-{i}.part"
        err = ok("learn", str(corpus), "--shard", f"{i}/3", "--partial", str(part), "-j", "1")
        assert f"shard {i}/3:" in err
        parts.append(part)
    return parts


@pytest.mark.parametrize("thresholds", [LEARN_ARGS, ()])  # the thresholds apply at the merge: one set of partials serves both
def test_learn_partials_merge_to_the_unsharded_rules(corpus: Path, learn_partials: list[Path], tmp_path: Path, thresholds: tuple[str, ...]) -> None:
    ok("learn", str(corpus), "-o", str(tmp_path / "whole.yaml"), "-j", "1", *thresholds)
    p1, p2, p3 = learn_partials
    err = ok("learn", "--merge", str(p3), str(p1), str(p2), "-o", str(tmp_path / "merged.yaml"), *thresholds)
    whole = (tmp_path / "whole.yaml").read_bytes()
    assert (tmp_path / "merged.yaml").read_bytes() == whole
    assert whole.count(b"\n- id: learned-") > 10 and BOILERPLATE.encode() in whole
    assert "logo.txt: is binary" in err  # the shards' warnings are reported by the merge


def test_dedup_partials_merge_to_the_unsharded_report(corpus: Path, tmp_path: Path) -> None:
    ok("dedup", str(corpus), "--report", str(tmp_path / "whole.json"), "-j", "1")
    parts = []
    for i in (2, 3, 1):
        parts.append(str(tmp_path / f"dedup-{i}.part"))
        ok("dedup", str(corpus), "--shard", f"{i}/3", "--partial", parts[-1], "-j", "1")
    ok("dedup", "--merge", *parts, "--report", str(tmp_path / "merged.json"))
    whole = (tmp_path / "whole.json").read_bytes()
    assert (tmp_path / "merged.json").read_bytes() == whole and json.loads(whole)["clusters"]
    merged_stdout = run_cli("dedup", "--merge", *parts).stdout  # no --report: standard output, as unsharded
    assert merged_stdout == whole


def test_sharding_option_errors(corpus: Path, learn_partials: list[Path], tmp_path: Path) -> None:
    p1, p2, p3 = map(str, learn_partials)
    assert "--shard gives only part of the result" in fails("dedup", str(corpus), "--shard", "1/3")
    assert "--shard gives only part of the result" in fails("learn", str(corpus), "--shard", "1/3", "-o", str(tmp_path / "r.yaml"))
    assert "takes no --shard or --partial" in fails("learn", "--merge", p1, "--shard", "1/3", "-o", str(tmp_path / "r.yaml"))
    assert "the rules file comes from --merge" in fails("learn", str(corpus), "--shard", "1/3", "--partial", str(tmp_path / "p"), "-o", str(tmp_path / "r.yaml"))
    assert "learn needs -o FILE" in fails("learn", "--merge", p1, p2, p3)
    assert fails("learn", "--merge", p1, p2, "-o", str(tmp_path / "r.yaml")) == "scrubber: error: --merge: missing shard(s) 3/3"
    assert "shard 1/3 is also in" in fails("learn", "--merge", p1, p1, p2, p3, "-o", str(tmp_path / "r.yaml"))
    assert f"{p1}: is not a partial dedup result" in fails("dedup", "--merge", p1, p2, p3)
    assert "other settings" in fails("learn", "--merge", p1, p2, p3, "-o", str(tmp_path / "r.yaml"), "--quotes", "keep")
    assert not (tmp_path / "r.yaml").exists()


def test_shards_of_different_trees_do_not_merge(corpus: Path, learn_partials: list[Path], tmp_path: Path) -> None:
    changed = tmp_path / "in"
    shutil.copytree(corpus, changed)
    (changed / "site1" / "zzz_extra.txt").write_text("One more file, added after the other shards ran.\n")
    part = tmp_path / "other-2.part"
    ok("learn", str(changed), "--shard", "2/3", "--partial", str(part), "-j", "1")
    p1, _, p3 = learn_partials
    line = fails("learn", "--merge", str(p1), str(part), str(p3), "-o", str(tmp_path / "r.yaml"))
    m = re.match(rf"scrubber: error: {re.escape(str(part))}: saw (\d+) file\(s\) in the corpus, the other partials (\d+): the inputs changed between shards", line)
    assert m is not None and int(m.group(1)) == int(m.group(2)) + 1, line  # the one file added
