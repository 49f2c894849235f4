"""Kill -9 in the middle of a stream of reviewer decisions: every decision the writer saw committed must
still be there after a restart, and the audit chain must still verify (style_reliability.md B.9)."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from suggest.store import Store

from .test_store import make_payload

pytestmark = pytest.mark.slow

WRITER = r"""
import sys, json
from suggest.store import Store
store = Store.open(sys.argv[1])
set_id = sys.argv[2]
n = 0
while True:
    n += 1
    action = "accept" if n % 2 else "reject"
    store.record_decisions(set_id, "crash-test", [{"competency_id": "C1", "action": action, "comment": f"#{n}"}])
    print(n, flush=True)  # printed only after the commit returned
"""


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_no_acknowledged_decision_is_lost_after_kill_9(tmp_path, backend, request):
    url = f"sqlite:///{tmp_path / 'crash.db'}" if backend == "sqlite" else request.getfixturevalue("db_url_pg")
    store = Store.open(url)
    set_id = store.save_suggestion_set(make_payload(), text="t", position="P", department=None,
                                       created_by="t", top_k=5, min_score=0.4)
    proc = subprocess.Popen([sys.executable, "-c", WRITER, url, set_id], stdout=subprocess.PIPE, text=True)
    acked = 0
    deadline = time.time() + 60
    while acked < 40 and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        acked = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert acked >= 40, "the writer did not get going"
    reopened = Store.open(url)
    history = reopened.decision_history(set_id, "C1")
    comments = {h["comment"] for h in history}
    assert {f"#{n}" for n in range(1, acked + 1)} <= comments
    chain = reopened.verify_chain()
    assert chain["ok"], json.dumps(chain)
