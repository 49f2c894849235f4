"""Several server processes: the file locks that keep them apart, and `serve --workers 2` over real
PostgreSQL writing one audit chain."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
import pytest
from typer.testing import CliRunner

from suggest.cli import app as cli
from suggest.loadtest import local_server, sample_jds
from suggest.store import Store
from suggest.workers import LeaderLock, cache_lock

from .conftest import REPO

_HOLD = ("import sys, time; from pathlib import Path; from suggest.workers import LeaderLock; "
         "lock = LeaderLock(Path(sys.argv[1])); print(lock.held(), flush=True); time.sleep(30)")


def test_one_leader_at_a_time_across_processes_and_another_takes_over(tmp_path):
    path = tmp_path / "rankers" / ".learn.lock"
    other = subprocess.Popen([sys.executable, "-c", _HOLD, str(path)], stdout=subprocess.PIPE, text=True,
                             cwd=REPO)
    try:
        assert other.stdout.readline().strip() == "True"
        mine = LeaderLock(path)
        assert not mine.held()
    finally:
        other.kill()
        other.wait(10)
    assert mine.held() and mine.held()  # the lock died with its process; holding it again is a no-op
    mine.release()


def test_cache_lock_makes_loads_take_turns(tmp_path):
    inside, most = [0], [0]
    guard = threading.Lock()

    def load() -> None:
        with cache_lock(tmp_path / "cache"):
            with guard:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.05)
            with guard:
                inside[0] -= 1

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert most[0] == 1


def _loads(store: Store) -> int:
    return store.list_events(limit=10, offset=0, kind="dictionary.load")[1]


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_over_postgres_keep_one_audit_chain(real_suggester, real_settings, db_url_pg, monkeypatch):
    """`serve --workers 2` on one PostgreSQL schema: concurrent suggestions and decisions from 8 clients
    all land, both processes wrote to the chain, and `audit verify` passes."""
    store = Store.open(db_url_pg)
    reviewers = [store.create_key(f"reviewer-{i}", "reviewer")[0] for i in range(4)]
    jds = sample_jds(REPO / "eval" / "samples")[:8]
    with local_server(real_settings.resolved_cache_dir, workers=2, database_url=db_url_pg) as target:
        # the port answers once one worker is ready; each worker appends dictionary.load when it is
        deadline = time.monotonic() + 300
        while _loads(store) < 2 and time.monotonic() < deadline:
            time.sleep(1)
        assert _loads(store) == 2  # both processes loaded and appended to the one chain
        sets: list[dict] = []
        statuses: list[int] = []
        lock = threading.Lock()

        def client(n: int) -> None:
            # a connection per request, so the kernel hands requests to both workers
            with httpx.Client(base_url=target.url, timeout=120, limits=httpx.Limits(max_keepalive_connections=0)) \
                    as http:
                r = http.post("/v1/suggestions", json={"text": jds[n]}, headers={"Authorization": f"Bearer {target.key}"})
                with lock:
                    statuses.append(r.status_code)
                if r.status_code != 201:
                    return
                created = r.json()
                with lock:
                    sets.append(created)
                for i, s in enumerate(created["suggestions"][:4]):
                    d = http.post(f"/v1/suggestions/{created['id']}/decisions",
                                  headers={"Authorization": f"Bearer {reviewers[(n + i) % 4]}"},
                                  json={"decisions": [{"competency_id": s["competency_id"],
                                                       "action": "accept" if i % 2 else "reject"}]})
                    with lock:
                        statuses.append(d.status_code)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(300)
    assert statuses and set(statuses) == {201}, statuses
    expected = sum(min(4, len(s["suggestions"])) for s in sets)
    assert len(sets) == 8 and expected > 0
    events, _ = store.list_events(limit=200, offset=0)
    kinds = [e["kind"] for e in events]
    assert kinds.count("decision") == expected
    monkeypatch.setenv("CDE_DATABASE_URL", db_url_pg)
    result = CliRunner().invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0 and "ok" in result.output, result.output
