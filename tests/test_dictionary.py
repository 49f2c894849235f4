import json

import pytest
import yaml

from suggest.dictionary import fingerprint, json_schema, load_dictionary, read_raw, validate_entries
from suggest.errors import DictionaryError

from .conftest import DATA, REPO

GOOD = {"id": "FUN-001", "type": "Functional", "theme": "T", "name": "N", "description": "d",
        "ask": {"skill": ["s"], "knowledge": ["k"]}, "levels": {i: f"level {i}" for i in range(1, 6)},
        "examples": ["a", "b", "c"], "aliases": ["x"]}


def errors_for(entry: dict, strict: bool = True) -> list[tuple[str, str]]:
    _, errors = validate_entries([entry], strict=strict)
    return [(e["entry"], e["field"]) for e in errors]


def test_bundled_dictionary_is_complete():
    d = load_dictionary()
    types = {t: [e for e in d.entries if e.type == t] for t in ("Behavioural", "Functional", "Domain")}
    assert len(types["Behavioural"]) == 41 and len(types["Functional"]) == 73
    assert len(types["Domain"]) >= 60
    assert len({e.theme for e in types["Domain"]}) >= 8
    assert all(e.id.startswith("DOM-") for e in types["Domain"])
    assert d.version and d.fingerprint.startswith("sha256:")


def test_kcm_facts_match_the_published_file(shared_data):
    published = json.loads((shared_data / "karmayogi-kcm" / "withidentifier_competencies.json").read_text())
    d = load_dictionary()
    for rec in published:
        e = d.get(rec["competency_id"])
        assert e is not None, rec["competency_id"]
        assert (e.type, e.theme, e.sub_theme, e.name) == (rec["type"], rec["theme"], rec["sub_theme"], rec["sub_theme"])


def test_descriptions_are_our_own_words(shared_data):
    published = json.loads((shared_data / "karmayogi-kcm" / "withidentifier_competencies.json").read_text())
    theirs = {r["competency_id"]: r["sub_theme_description"].lower() for r in published}
    for e in load_dictionary().entries:
        words = e.description.lower().split()
        source = theirs.get(e.id, "")
        # no run of eight consecutive words may be taken from the KCM's description (an Act's title is a fact)
        runs = {" ".join(words[i:i + 8]) for i in range(max(0, len(words) - 7))}
        runs = {r for r in runs if " act" not in r and "(prevention" not in r}
        assert not any(r in source for r in runs if source), e.id


@pytest.mark.parametrize("mutate, field", [
    (lambda e: e.pop("name"), "name"),
    (lambda e: e.update(type="Technical"), "type"),
    (lambda e: e.update(id="bad id!"), "id"),
    (lambda e: e.update(levels={1: "a", 2: "b"}), "levels"),
    (lambda e: e.update(levels={1: "a", 2: "b", 3: "c", 4: "d", 5: " "}), "levels"),
    (lambda e: e.update(examples=["a", " "]), "examples"),
    (lambda e: e.update(unknown="x"), "unknown"),
    (lambda e: e.update(id="BEH-001"), "type"),
    (lambda e: e.update(description=""), "description"),
    (lambda e: e["ask"].update(skill=[]), "ask.skill"),
    (lambda e: e["ask"].update(knowledge=[]), "ask.knowledge"),
    (lambda e: e.update(levels={}), "levels"),
    (lambda e: e.update(examples=["a"]), "examples"),
    (lambda e: e.update(aliases=[]), "aliases"),
])
def test_each_validation_error_names_entry_and_field(mutate, field):
    entry = json.loads(json.dumps(GOOD))
    mutate(entry)
    found = errors_for(entry)
    assert found and all(label == entry.get("id", "#1") or label == "#1" for label, _ in found)
    assert any(f == field or f.startswith(field + ".") for _, f in found), found


def test_behavioural_needs_attitudes():
    entry = dict(json.loads(json.dumps(GOOD)), id="BEH-001", type="Behavioural")
    assert ("BEH-001", "ask.attitude") in errors_for(entry)


def test_duplicate_ids_and_non_mappings_are_reported():
    _, errors = validate_entries([GOOD, GOOD, "oops"], strict=True)
    assert ("FUN-001", "id") in [(e["entry"], e["field"]) for e in errors]
    assert ("#3", "(entry)") in [(e["entry"], e["field"]) for e in errors]


def test_lenient_mode_accepts_a_bare_entry():
    assert errors_for({"id": "X-1", "type": "Domain", "theme": "T", "name": "N"}, strict=False) == []


@pytest.mark.parametrize("content, suffix, code", [
    (b"- id: [unclosed", ".yaml", "dictionary_unreadable"),
    (b"\xff\xfe\x00bad", ".yaml", "dictionary_not_utf8"),
    (b"{}", ".json", "dictionary_invalid"),
    (b"name,id\n", ".csv", "dictionary_invalid"),
    (b"x", ".txt", "dictionary_unsupported"),
])
def test_unreadable_files_give_clear_codes(tmp_path, content, suffix, code):
    p = tmp_path / f"d{suffix}"
    p.write_bytes(content)
    with pytest.raises(DictionaryError) as exc:
        load_dictionary(p)
    assert exc.value.code == code


def test_unknown_path_and_invalid_content(tmp_path):
    with pytest.raises(DictionaryError) as exc:
        load_dictionary(tmp_path / "missing.yaml")
    assert exc.value.code == "dictionary_not_found"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump([{"id": "FUN-001", "type": "Functional", "theme": "T"}]))
    with pytest.raises(DictionaryError) as exc:
        load_dictionary(bad)
    assert "FUN-001: name" in exc.value.message


def test_kcm_json_as_published_imports(shared_data):
    d = load_dictionary(shared_data / "karmayogi-kcm" / "withidentifier_competencies.json")
    assert len(d) == 114 and d.get("FUN-087").theme == "Office Management"


def test_csv_import():
    d = load_dictionary(DATA / "tiny_dictionary.csv")
    e = d.get("DOM-900")
    assert e.ask.skill == ["Inspect fish ponds", "Assess subsidy claims"] and e.levels[5] == "national"
    assert e.aliases == ["fish farming", "aquaculture"] and len(e.examples) == 3


def test_our_json_round_trips(tmp_path):
    d = load_dictionary(DATA / "tiny_dictionary.yaml")
    p = tmp_path / "d.json"
    p.write_text(json.dumps([e.model_dump(mode="json") for e in d.entries]))
    assert load_dictionary(p).fingerprint == d.fingerprint


def test_fingerprint_changes_with_content():
    d = load_dictionary(DATA / "tiny_dictionary.yaml")
    changed = [e.model_copy(update={"description": e.description + " More."}) for e in d.entries]
    assert fingerprint(list(d.entries)) == d.fingerprint
    assert fingerprint(changed) != d.fingerprint


def test_committed_schema_is_current():
    committed = json.loads((REPO / "dictionary" / "schema.json").read_text())
    assert committed == json_schema()


def test_read_raw_of_bundled_folder_reads_manifest():
    name, version, raw = read_raw(REPO / "dictionary")
    assert name.startswith("KCM") and version == load_dictionary().version and len(raw) >= 174
