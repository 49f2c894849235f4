"""Check the package's import graph for cycles and its modules for size, from the source text alone.

Usage: python tools/check_imports.py [PACKAGE_DIR] [--max-lines N]
Exit status 1 and one line per problem when a cycle or an oversized module is found. CI runs it through
tests/test_structure.py. Imports inside functions count too: a cycle that only bites at call time is
still a cycle for a reader.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

SKIP_PARTS = {"migrations", "__pycache__"}  # Alembic scripts are loaded by path, never imported


def module_names(root: Path) -> dict[str, Path]:
    out = {}
    for path in root.rglob("*.py"):
        if SKIP_PARTS & set(path.relative_to(root).parts):
            continue
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _resolve(target: str, known: dict[str, Path]) -> str | None:
    """The longest known module that `target` names (an imported name may be a function, not a module)."""
    while target:
        if target in known:
            return target
        target = target.rpartition(".")[0]
    return None


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in node.names] or [base]
        else:
            continue
        for target in targets:
            module = _resolve(target, known)
            # a package importing its own submodules is how packages are assembled, not a cycle
            if module and module != name and not (path.name == "__init__.py" and module.startswith(name + ".")):
                found.add(module)
    return found


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative to avoid recursion limits)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def problems(package_dir: Path, max_lines: int) -> list[str]:
    known = module_names(package_dir)
    graph = {name: imports_of(name, path, known) for name, path in known.items()}
    out = [f"import cycle: {' <-> '.join(c)}" for c in find_cycles(graph)]
    for name, path in sorted(known.items()):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > max_lines:
            out.append(f"{name} has {lines} lines (limit {max_lines}): split it by concept")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", default=str(Path(__file__).resolve().parents[1] / "suggest"))
    parser.add_argument("--max-lines", type=int, default=400)
    args = parser.parse_args(argv)
    found = problems(Path(args.package), args.max_lines)
    for line in found:
        print(line)
    if not found:
        print(f"ok: no import cycles, every module within {args.max_lines} lines")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
