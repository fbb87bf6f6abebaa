#!/usr/bin/env python3
"""Checks that every C++ excerpt a chapter shows is still in the source, byte for byte.

A chapter's code walk quotes the code in fenced ```cpp blocks. Each block, or each part of it
between lines that are only `...` (or `// ...`), must appear verbatim in some .cpp or .hpp file of
the repository (common/, the lab directories, bench/, tests/). When the code changes and the
chapter does not, this fails and names the chapter, the line and the start of the stale excerpt.

Usage: check_excerpts.py REPOSITORY_ROOT
"""
import pathlib
import re
import sys


def sources(root: pathlib.Path) -> str:
    files = []
    for folder in ["common", "bench", "tests"] + [p.name for p in root.glob("lab*_*")]:
        for pattern in ("*.cpp", "*.hpp"):
            files.extend((root / folder).rglob(pattern))
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(files))


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    code = sources(root)
    checked = 0
    stale = []
    for chapter in sorted((root / "docs").rglob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        for block in re.finditer(r"```cpp\n(.*?)```", text, re.S):
            line = text.count("\n", 0, block.start()) + 1
            for part in re.split(r"\n[ \t]*(?://[ \t]*)?\.\.\.[ \t]*\n", block.group(1)):
                part = part.strip("\n")
                if not part:
                    continue
                checked += 1
                if part not in code:
                    first = part.splitlines()[0].strip()
                    stale.append(f"{chapter.relative_to(root)}:{line}: not in the source: {first}")
    for message in stale:
        print(message)
    print(f"check_excerpts: {checked} excerpts checked, {len(stale)} not found in the source")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
