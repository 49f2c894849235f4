"""The role bank (suggest/role_bank.py and models/role_bank/roles.jsonl): the file's shape, that no gold
duty leaked into it, the prototypes and their cache, the soft assignments and the grounded names.

A fake encoder (a fixed word-count vector) is used only for the cache and the pure rules; the slow test
reads the real bank with the real model on a JD of our own."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from suggest import role_bank as B

GOLD = Path(__file__).resolve().parent.parent / "eval" / "gold"


class WordEncoder:
    """Counts of a few words: enough to tell RTI lines from Parliament lines, and counts its calls."""

    model_id, revision = "words", "1"
    WORDS = ("rti", "appeal", "parliament", "question", "cash", "salary")

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.array([[t.lower().count(w) + 0.01 for w in self.WORDS] for t in texts], dtype=np.float32)


TINY_BANK = B.parse_bank("\n".join(json.dumps(p) for p in [
    {"id": "T1", "roles": [{"name": "RTI matters", "activities": ["Reply to RTI applications", "Hear RTI appeals"]},
                           {"name": "Parliament questions", "activities": ["Answer Parliament questions",
                                                                           "Track Parliament assurances"]}]},
    {"id": "T2", "roles": [{"name": "Cash and salary", "activities": ["Draw salary bills", "Keep the cash book"]},
                           {"name": "Appeals before SAT", "activities": ["Defend appeals before the SAT"]}]},
]))


def test_the_bundled_bank_has_roles_of_two_to_five_duties_and_one_name_each():
    bank = B.load_bank()
    assert len(bank.roles) >= 9500 and len(bank.names) == len(bank.roles)  # 2,400 positions, 9,551 roles
    assert all(2 <= len(r) <= 5 for r in bank.roles)
    assert all(n.strip() for n in bank.names)
    lines, owners = bank.duties()
    assert len(lines) == len(owners) and owners.max() == len(bank.roles) - 1


def test_no_gold_duty_is_in_the_bank():
    """The bank must not hold a duty of any role gold file: grouping and names are measured on them."""
    said = {d.strip().lower() for r in B.load_bank().roles for d in r}
    gold = {a.strip().lower() for f in GOLD.glob("roles*.jsonl") for line in f.read_text().splitlines()
            if line.strip() for role in json.loads(line)["roles"] for a in role["activities"]}
    assert gold and not (said & gold)


def test_centroids_are_unit_means_of_each_roles_unit_vectors():
    v = np.array([[2.0, 0.0], [0.0, 3.0], [1.0, 1.0]])
    c = B.centroids(v, np.array([0, 0, 1]), 2)
    assert np.allclose(c[0], [2 ** -0.5, 2 ** -0.5]) and np.allclose(c[1], [2 ** -0.5, 2 ** -0.5])
    assert np.allclose(np.linalg.norm(c, axis=1), 1.0)


def test_assignments_are_a_softmax_over_the_nearest_prototypes_and_skip_unusable_rows():
    protos = np.eye(3)
    a = B.assignments(np.array([[1.0, 0.2, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 1.0]]), protos, top=2,
                      usable=[True, True, False])
    assert np.allclose(a[:2].sum(axis=1), 1.0) and (a[:2] > 0).sum(axis=1).tolist() == [2, 2]
    assert a[0, 0] > a[0, 1] > 0 and a[0, 2] == 0
    assert not a[2].any()  # a Hindi line's vector comes from another model
    assert not B.assignments(np.ones((2, 5)), protos).any()  # another width: nothing to compare


def test_prototypes_are_encoded_once_then_read_from_the_cache_folder(tmp_path):
    enc = WordEncoder()
    first = B.bank_centroids(enc, TINY_BANK, tmp_path)
    assert enc.calls == 1 and first.shape == (4, len(WordEncoder.WORDS))
    assert len(list(tmp_path.glob("role_bank-*.npy"))) == 1
    B._CENTROIDS.clear()  # a new process
    again = B.bank_centroids(enc, TINY_BANK, tmp_path)
    assert enc.calls == 1 and np.allclose(first, again)


def test_building_the_prototypes_stops_between_encoder_calls_and_caches_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(B, "ENCODE_CHUNK", 2)  # the tiny bank's 7 lines in four calls
    B._CENTROIDS.clear()  # not from another test's memory
    enc = WordEncoder()
    stops = iter([False, True])
    with pytest.raises(InterruptedError):
        B.bank_centroids(enc, TINY_BANK, tmp_path, should_stop=lambda: next(stops))
    assert enc.calls == 1 and not list(tmp_path.glob("role_bank-*.npy"))
    B._CENTROIDS.clear()
    whole = B.bank_centroids(enc, TINY_BANK, tmp_path)  # in four calls, the same prototypes as in one
    assert enc.calls == 5 and np.allclose(whole, B.centroids(enc.encode([d for r in TINY_BANK.roles for d in r]),
                                                              TINY_BANK.duties()[1], len(TINY_BANK.roles)))


def test_a_call_made_while_the_prototypes_are_built_waits_for_them_instead_of_encoding_again(tmp_path):
    """The service warms the bank in a thread; a `roles` call arriving meanwhile must not encode it twice."""
    import threading

    B._CENTROIDS.clear()
    started, release = threading.Event(), threading.Event()

    class SlowEncoder(WordEncoder):
        def encode(self, texts):
            started.set()
            release.wait(5)
            return super().encode(texts)

    enc = SlowEncoder()
    results = []
    warm = threading.Thread(target=lambda: results.append(B.bank_centroids(enc, TINY_BANK, tmp_path)))
    warm.start()
    assert started.wait(5)
    call = threading.Thread(target=lambda: results.append(B.bank_centroids(enc, TINY_BANK, tmp_path)))
    call.start()
    call.join(0.2)
    assert call.is_alive()  # waiting for the warm-up, not encoding
    release.set()
    warm.join(5), call.join(5)
    assert enc.calls == 1 and len(results) == 2 and results[0] is results[1]


def test_a_group_is_named_after_its_nearest_bank_role_only_with_words_its_duties_say():
    enc = WordEncoder()
    protos = B.bank_centroids(enc, TINY_BANK)
    rti = ["Transfer RTI applications to the CPIO", "Dispose of RTI first appeals"]
    rows = B.assignments(enc.encode(rti), protos)
    assert B.nearest_roles(rows)[0] == 0
    assert B.bank_name(rows, rti, TINY_BANK) == "RTI matters"
    # a part the duties never mention is cut, but not down to a bare fragment; an unsaid word is refused
    assert B.grounded_name("Cash and salary", ["Draw the salary of staff"]) is None
    assert B.grounded_name("Appeals before SAT", ["Defend GST appeals in the tribunal"]) is None
    assert B.nearest_roles(np.zeros((2, 4))) == []


def test_a_bank_name_may_add_a_word_of_kind_or_the_noun_of_a_duty_verb_but_no_new_thing():
    teachers = ["Sanction the leave of teachers", "Keep the service books of teachers up to date"]
    assert B.grounded_name("Teacher service matters", teachers) == "Teacher service matters"
    hostels = ["Inspect the hostels every month", "Check the meals in the hostels against the menu"]
    assert B.grounded_name("Hostel inspection", hostels) == "Hostel inspection"  # "inspect" says it
    grievances = ["Reply to public grievances on CPGRAMS", "Review pending grievances every week"]
    assert B.grounded_name("Farmer grievances", grievances) is None  # farmers are a new thing
    assert B.grounded_name("Supervision", grievances) is None  # a word of kind alone says nothing the duties do
    instructors = ["Post the instructors to the trades", "Check the attendance of the instructors"]
    assert B.grounded_name("Instructors", instructors) is None  # whom the work is about, not the work


def test_the_first_of_the_nearest_bank_roles_with_a_grounded_name_names_the_group():
    rows = np.array([[0.0, 0.6, 0.0, 0.4], [0.0, 0.7, 0.0, 0.3]])  # role 1 nearest, then role 3
    texts = ["Defend appeals before the SAT", "File replies in SAT appeals"]
    # role 1 (Parliament questions) is not said; role 3 (Appeals before SAT) is
    assert B.nearest_roles(rows) == [1, 3]
    assert B.bank_name(rows, texts, TINY_BANK) == "Appeals before SAT"


@pytest.mark.slow
def test_real_bank_names_and_groups_a_flat_jd(tmp_path):
    from suggest import roles as R
    from suggest.settings import Settings
    from suggest.suggester import Suggester

    s = Suggester.from_settings(Settings(data_dir=tmp_path))
    text = ("Duties:\n1. Reply to RTI applications within thirty days.\n2. Put up first appeals under the RTI Act "
            "to the appellate authority.\n3. Draw the monthly salary bills of staff through PFMS.\n4. Maintain the "
            "cash book and reconcile it with the bank.\n5. Prepare replies to Lok Sabha questions.\n6. Keep the "
            "register of Parliament assurances up to date.\n")
    scored = s.score(text)
    rows = B.scored_assignments(scored, s.encoder, s.settings.resolved_cache_dir)
    assert rows.shape == (6, len(B.load_bank().roles)) and np.allclose(rows.sum(axis=1), 1.0)
    roles = R.build_roles(s, text, scored=scored)
    together = {frozenset(a["index"] for a in r["activities"]) for r in roles}
    assert frozenset({0, 1}) in together and frozenset({4, 5}) in together
