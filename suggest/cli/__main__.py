"""`python -m suggest.cli`: the same commands as `cde-suggest`, for child processes of the service."""

from . import app

if __name__ == "__main__":
    app(prog_name="cde-suggest")
