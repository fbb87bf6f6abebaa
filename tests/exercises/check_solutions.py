#!/usr/bin/env python3
"""Checks the reference answers of the exercises (docs/solutions/README.md).

    check_solutions.py SOURCE_DIR WORK_DIR

1. Copies the tree (the files git knows, plus new ones it does not ignore) to WORK_DIR/tree, as a
   fresh git repository, so the copy is the tree as it is now, committed or not.
2. Checks that each patch docs/solutions/labN/*.patch applies to that tree on its own, as a
   learner would apply one, then applies them all, in lab and file order.
3. Configures WORK_DIR/build with -DCOURSE_EXERCISES=all, builds the `course_exercises` target
   (the exercise tests and the programs they start), and runs `ctest -L exercise`.

Exits non-zero, naming the patch or the test, when any step fails. A second run reuses the build
directory: files are copied with their times, so only what the patches touch is rebuilt.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path


def run(*args, cwd=None):
    print("+", " ".join(str(a) for a in args), flush=True)
    subprocess.run([str(a) for a in args], cwd=cwd, check=True)


def copy_tree(source: Path, tree: Path) -> None:
    listed = subprocess.run(
        ["git", "-C", source, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    wanted = {os.fsdecode(name) for name in listed if name}
    if tree.exists():  # drop what is gone from the source, then refresh the rest
        for path in sorted(tree.rglob("*"), reverse=True):
            relative = path.relative_to(tree).as_posix()
            if relative == ".git" or relative.startswith(".git/"):
                continue
            if path.is_file() and relative not in wanted:
                path.unlink()
    for relative in sorted(wanted):
        origin = source / relative
        if not origin.is_file():  # deleted in the working tree but still in the index
            continue
        target = tree / relative
        if target.is_file() and target.read_bytes() == origin.read_bytes():
            continue  # unchanged: keep its time, so the build does not redo it
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(origin, target)


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    source, work = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    tree, build = work / "tree", work / "build"
    patches = sorted(
        (source / "docs" / "solutions").glob("lab*/*.patch"),
        key=lambda p: (int(p.parent.name[3:]), p.name),
    )
    if not patches:
        print("no reference answers in docs/solutions/: nothing to check")
        return 0

    # A clean copy to apply each patch to on its own: checkout restores the patched files.
    copy_tree(source, tree)
    git = ["git", "-C", tree, "-c", "user.name=check", "-c", "user.email=check@localhost"]
    if not (tree / ".git").exists():
        run(*git, "init", "-q")
    run(*git, "add", "-A")
    run(*git, "commit", "-q", "--allow-empty", "-m", "tree as copied")
    failed = []
    for patch in patches:
        name = patch.relative_to(source)
        result = subprocess.run(git + ["apply", "--check", patch], capture_output=True, text=True)
        if result.returncode != 0:
            failed.append(f"{name} does not apply to the tree on its own:\n{result.stderr}")
    if failed:
        print("\n".join(failed), file=sys.stderr)
        return 1
    for patch in patches:
        result = subprocess.run(git + ["apply", patch], capture_output=True, text=True)
        if result.returncode != 0:
            print(
                f"{patch.relative_to(source)} does not apply after the ones before it:\n"
                f"{result.stderr}",
                file=sys.stderr,
            )
            return 1
    print(f"applied {len(patches)} reference answers", flush=True)

    jobs = str(os.cpu_count() or 2)
    run(
        "cmake", "-S", tree, "-B", build, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
        "-DCOURSE_EXERCISES=all", "-DCOURSE_WARNINGS_AS_ERRORS=ON",
    )  # fmt: skip
    run("cmake", "--build", build, "--target", "course_exercises", "-j", jobs)
    run("ctest", "--test-dir", build, "-L", "exercise", "-j", jobs, "--output-on-failure")
    # The next run copies the tree again; leave the patched files as they are until then.
    run(*git, "reset", "-q", "--hard")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except subprocess.CalledProcessError as error:
        print(f"check_solutions.py: {error}", file=sys.stderr)
        sys.exit(1)
