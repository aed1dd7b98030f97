#!/usr/bin/python3
"""The source tree keeps the shape docs/architecture.md gives it.

- Every file under src/ sits in a concern folder, except src/main.cpp.
- Every .cpp has its header beside it (same folder, same stem), and every header a
  .cpp, unless the header is all inline (it then says so: `// Header only.`).
- A folder includes only itself and the folders its row in the "Folders" table of
  docs/architecture.md allows; the table itself has no cycle.
- No header includes itself, even through others (a cycle between files).

Usage: check_includes.py ROOT   (exit 1 with one line per violation)"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
ROW = re.compile(r"^\|\s*`([a-z_]+/|main\.cpp)`\s*\|[^|]*\|\s*([^|]*)\|\s*$")


def allowed_directions(doc_path):
    """{folder: set of folders it may include}, from the table rows `| `f/` | ... | a, b |`."""
    rules = {}
    with open(doc_path, encoding="utf-8") as f:
        for line in f:
            m = ROW.match(line.strip())
            if m:
                targets = {t.strip().strip("`").rstrip("/") for t in m.group(2).split(",")}
                rules[m.group(1).rstrip("/")] = {t for t in targets if t and t not in ("—", "-", "nothing")}
    return rules


def cycle_in(graph):
    """One cycle of `graph` (node -> iterable of nodes) as a list, or None."""
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def main(root):
    src = os.path.join(root, "src")
    rules = allowed_directions(os.path.join(root, "docs", "architecture.md"))
    problems = []
    if not rules:
        problems.append("docs/architecture.md: no folder table (rows like | `util/` | what | may include |)")
    files = {}
    for folder, _, names in os.walk(src):
        for name in names:
            if name.endswith((".h", ".cpp")):
                rel = os.path.relpath(os.path.join(folder, name), src)
                with open(os.path.join(folder, name), encoding="utf-8", errors="replace") as f:
                    files[rel] = f.read()

    for rel, text in sorted(files.items()):
        parts = rel.split(os.sep)
        if len(parts) == 1 and rel != "main.cpp":
            problems.append(f"src/{rel}: outside a concern folder (only main.cpp sits at the top)")
            continue
        if len(parts) > 2:
            problems.append(f"src/{rel}: folders are one level deep")
        folder = parts[0]  # main.cpp has its own row
        if folder not in rules:
            problems.append(f"src/{rel}: {folder} has no row in docs/architecture.md's folder table")
        stem, ext = os.path.splitext(rel)
        if ext == ".cpp" and rel != "main.cpp" and stem + ".h" not in files:
            problems.append(f"src/{rel}: no header {stem}.h beside it")
        if ext == ".h" and stem + ".cpp" not in files and "// Header only.\n#pragma once" not in text:
            problems.append(f"src/{rel}: no {os.path.basename(stem)}.cpp beside it "
                            "(a header with only inline code says `// Header only.` just above `#pragma once`)")
        for target in INCLUDE.findall(text):
            if target not in files:
                problems.append(f"src/{rel}: includes \"{target}\", which is not a path under src/")
                continue
            to = target.split("/")[0]
            if to != folder and folder in rules and to not in rules[folder]:
                problems.append(f"src/{rel}: {folder}/ may not include {to}/ (\"{target}\"); "
                                f"docs/architecture.md allows {', '.join(sorted(rules[folder])) or 'nothing'}")

    folder_cycle = cycle_in(rules)
    if folder_cycle:
        problems.append("docs/architecture.md: the folder table has a cycle: " + " -> ".join(folder_cycle))
    file_graph = {rel: [t for t in INCLUDE.findall(text) if t in files] for rel, text in files.items()}
    file_cycle = cycle_in(file_graph)
    if file_cycle:
        problems.append("an include cycle: " + " -> ".join(file_cycle))

    for p in problems:
        print(p)
    print(f"check_includes: {len(files)} files, {len(rules)} folders, {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")))
