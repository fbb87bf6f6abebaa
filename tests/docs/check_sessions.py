#!/usr/bin/env python3
"""Runs the shell sessions a chapter shows and checks that they still print what it says.

A chapter shows a session in a fenced ```console block: each command on a line that starts with
`$ ` (a line ending in `\\` continues it, and so do a here-document's lines, up to its end word),
then the output the reader should see, up to the next `$ ` line. This runs every such block of
ONE chapter, in order, in one bash process (so `cd`, variables and servers started in one block
carry to the next), from a copy of the repository's layout whose `build/` is the build directory
given, so `./build/bin/lab1_tcp` means the freshly built program whatever the build directory is
called. Each command's stdout and stderr are compared with the lines shown.

Usage: check_sessions.py REPOSITORY_ROOT docs/labN_x.md [--build-dir build] [--sanitized]
Exit status: 0 all sessions match, 1 one does not, 77 (skipped) when a program a session needs is
missing or the machine cannot give the sessions a private network and /tmp (see below).

Isolation. The chapters use fixed ports (6379, 7411, 7412, ...) and fixed paths (/tmp/lab4,
/tmp/rdb-tour, ...), and other servers run on a shared machine. So the bash process runs in new
Linux namespaces (`unshare --user --map-root-user --net --pid --mount`): its own loopback, where
every port is free, its own empty /tmp (a tmpfs, with the repository and the build directory
bound into it), and its own process ids. When the chapter ends,
its bash exits and the kernel kills everything left in the namespace, daemons included; nothing
is ever stopped by name. Inside, the user is root (as on the machine the chapters were written on, so
`ls -l` shows `root root`), but only over its own namespaces, not over the machine. Each command has 90 s and the chapter 240 s.

Which fenced blocks are sessions: ```console, ```sh, ```bash, ```shell, and a block with no
language whose first line starts with `$ `. Only ```console blocks are run. Every other session,
and every ```console block that cannot run unattended, needs a marker on the line just before its
fence, an HTML comment (invisible on GitHub and in the MkDocs site); an unmarked one fails:

    <!-- session: not checked (REASON) -->
        Not run: an interactive telnet session, a benchmark whose numbers are the machine's, a
        test suite that ctest runs anyway. The reason is printed with the count of skipped blocks.
    <!-- session: output not compared (REASON) -->
        Run, so what it sets up carries on, but its output is not compared (for instance a hex
        dump of a file that holds the time it was saved).
    <!-- session: background -->
        The block's last command is a server the reader starts in the foreground and leaves
        running while typing the next blocks in a second terminal. It runs in the background; the
        next command waits until it prints a line containing `listening` (every server of the
        course prints one when its socket is ready). At the end of the chapter it gets SIGINT
        (the reader's Ctrl-C) if it is still running. Its output is compared then: the lines
        shown must be the first lines it printed. What it prints later (a later block may stop it
        with SHUTDOWN or kill it) belongs to that later moment and is not compared.
    <!-- session: numbers vary on lines with "TEXT", "TEXT" -->
        On output lines containing one of the texts, every number (decimal or 0x hex) counts as
        equal to any other, and runs of spaces as one space: for figures that are the machine's
        (resident memory) or the run's (a checksum over a save time) on lines whose words still
        deserve a check. A second list, after `; under a sanitizer also on lines with`, only
        applies when the programs were built with a sanitizer (`--sanitized`, which ctest passes
        in the ASan and TSan builds): ASan brings its own malloc, so mallinfo2() reports nothing.

Comparison. A line `...` alone in the expected output matches any number of lines, none
included. Otherwise lines must be equal after this normalisation of both sides, and nothing else:
- trailing spaces and carriage returns are dropped (invisible on the page, and editors drop them);
- a duration, a number followed by a unit of time (`3.1 ms`, `0.004 s`, `(0.52s)`, `6 seconds`),
  becomes <duration>;
- a Unix time, 10 digits (seconds) or 13 digits (milliseconds) starting with 1, becomes <unix-time>;
- a date and time as `ls -l` (`Nov 26 21:07`) or a Redis log (`27 Nov 2026 03:04:29.389`) writes
  it becomes <date>, and the process id that starts a Redis log line (`22427:M `) becomes <pid>;
- a 40-digit hex id (a replication id) becomes <id>.
No chapter from 1 to 4 prints a port picked at run time, so ports are not normalised.

Commands write to a pipe, not a terminal. One program the chapters use prints differently then:
redis-cli formats replies for a person (`(integer) 2`, `1) "a"`) only on a terminal, so the
session's `redis-cli` is a shell function that adds `--no-raw`, which makes it do so anyway.

The exit status of a command is not compared: where it matters, the chapter shows it
(`...; echo "exit $?"`). A command that starts a daemon (`--daemonize yes`) with `--port N` is
followed by a wait until port N accepts connections: a reader types slower than Redis starts.
"""
import argparse
import os
import pathlib
import re
import secrets
import selectors
import shutil
import subprocess
import sys
import tempfile
import time

# A command that has not finished by then counts as hung. Chapter 8 runs its 27-test replication
# suite as one command: 14 s in the ordinary build, over 30 s in the ASan build of make test while
# other tests share the two cores.
COMMAND_TIMEOUT = 90.0
CHAPTER_TIMEOUT = 240.0
SESSION_LANGUAGES = {"console", "sh", "bash", "shell"}
MARKER = re.compile(r"^<!--\s*session:\s*(.*?)\s*-->\s*$")
SHELL_WORDS = {
    "cd",
    "echo",
    "printf",
    "export",
    "set",
    "true",
    "false",
    "for",
    "while",
    "until",
    "do",
    "done",
    "if",
    "then",
    "fi",
    "wait",
    "sleep",
    "kill",
    "exit",
    "test",
    "[",
    "{",
    "}",
    "(",
}


class Block:
    """One session: where it is, its marker, and its commands with the output shown."""

    def __init__(self, line: int, language: str, marker: str, body: list[str]):
        self.line = line
        self.language = language
        self.marker = marker
        self.commands: list[tuple[str, list[str]]] = []
        self.stray: list[str] = []
        here_document = None  # the word that ends the here-document being read, if any
        for text in body:
            if here_document is not None or (self.commands and self.commands[-1][0].endswith("\\")):
                command, shown = self.commands[-1]
                self.commands[-1] = (command + "\n" + text, shown)
                if here_document is not None and text == here_document:
                    here_document = None
            elif text.startswith("$ "):
                self.commands.append((text[2:], []))
                if here_document is None:
                    start = re.search(r"(?<!<)<<(?!<)-?\s*(['\"]?)(\w+)\1", text)
                    here_document = start.group(2) if start else None
            elif self.commands:
                self.commands[-1][1].append(text)
            else:
                self.stray.append(text)


def sessions(chapter: pathlib.Path) -> list[Block]:
    lines = chapter.read_text(encoding="utf-8").split("\n")
    blocks = []
    index = 0
    while index < len(lines):
        fence = re.match(r"^```(\S*)\s*$", lines[index])
        if not fence:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].startswith("```"):
            end += 1
        body = lines[index + 1 : end]
        language = fence.group(1)
        if language in SESSION_LANGUAGES or (not language and body and body[0].startswith("$ ")):
            marker = MARKER.match(lines[index - 1]) if index > 0 else None
            blocks.append(Block(index + 1, language, marker.group(1) if marker else "", body))
        index = end + 1
    return blocks


# --- comparison ------------------------------------------------------------------------------

NORMALISATIONS = [
    (re.compile(r"\b\d+(?:\.\d+)?\s?(?:ns|us|µs|ms|s|sec|secs|seconds?)\b"), "<duration>"),
    (re.compile(r"\b1\d{12}\b|\b1\d{9}\b"), "<unix-time>"),
    (re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d(?:\.\d+)?"), "<date>"),
    (re.compile(r"\b[A-Z][a-z]{2} [ \d]\d (?:\d\d:\d\d| \d{4})\b"), "<date>"),
    (re.compile(r"^\d+:[XCSM] "), "<pid>:M "),
    (re.compile(r"\b[0-9a-f]{40}\b"), "<id>"),
]
NUMBER = re.compile(r"\b0x[0-9a-fA-F]+\b|\d+(?:\.\d+)?")


def normalise(line: str, vary: list[str]) -> str:
    line = line.rstrip()
    if any(text in line for text in vary):
        line = re.sub(r" +", " ", NUMBER.sub("N", line))
    for pattern, replacement in NORMALISATIONS:
        line = pattern.sub(replacement, line)
    return line


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, where an expected `...` matches any run of lines (none included)."""
    reachable = {0}  # how many actual lines the expected lines so far can account for
    for line in expected:
        if line == "...":
            reachable = set(range(min(reachable), len(actual) + 1)) if reachable else set()
        else:
            reachable = {n + 1 for n in reachable if n < len(actual) and actual[n] == line}
    return len(actual) in reachable


SANITIZED_TOO = "; under a sanitizer also on lines with"


def vary_texts(marker: str, sanitized: bool) -> list[str]:
    if not marker.startswith("numbers vary"):
        return []
    always, _, under_sanitizer = marker.partition(SANITIZED_TOO)
    texts = re.findall(r'"([^"]+)"', always)
    return texts + re.findall(r'"([^"]+)"', under_sanitizer) if sanitized else texts


# --- the bash process ------------------------------------------------------------------------


# Its own users (root mapped to ours), network, process ids and mounts; everything left in it
# dies with it.
PRIVATE_NAMESPACES = [
    "unshare",
    "--user",
    "--map-root-user",
    "--net",
    "--pid",
    "--fork",
    "--kill-child",
    "--mount",
    "--mount-proc",
]


class Shell:
    """A bash process in its own namespaces, fed one command at a time."""

    def __init__(self, root: pathlib.Path, build: pathlib.Path):
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [*PRIVATE_NAMESPACES, "bash", "--noprofile", "--norc"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.errors,
            start_new_session=True,
        )
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.process.stdout, selectors.EVENT_READ)
        self.pending = b""
        # The repository and the build directory may themselves be under /tmp (a clone made
        # there): bound into the new tmpfs before it covers /tmp, or they would vanish under it.
        links = "\n".join(
            f"ln -s /tmp/.session/source/{shell_quote(entry.name)} /mnt/.session/root/"
            for entry in sorted(root.iterdir())
            if entry.name != "build"
        )
        output, status = self.run(
            f"""set -m
ip link set lo up || exit 1
mount -t tmpfs -o mode=1777 tmpfs /mnt || exit 1
mkdir -p /mnt/.session/root /mnt/.session/source /mnt/.session/build
mount --bind {shell_quote(str(root))} /mnt/.session/source || exit 1
mount --bind {shell_quote(str(build))} /mnt/.session/build || exit 1
{links}
ln -s /tmp/.session/build /mnt/.session/root/build
mount --move /mnt /tmp || exit 1
cd /tmp/.session/root
redis-cli() {{ command redis-cli --no-raw "$@"; }}""",
            COMMAND_TIMEOUT,
        )
        if status != "0" or output:
            raise RuntimeError(f"could not set up the session: {output!r} {self.stderr()}")

    def run(self, command: str, timeout: float) -> tuple[str, str]:
        """Runs a command in the shell; returns its output and exit status, or raises TimeoutError."""
        token = "__session_" + secrets.token_hex(8)
        script = f"{command}\nprintf '\\n{token} %s\\n' \"$?\"\n"
        self.process.stdin.write(script.encode())
        self.process.stdin.flush()
        deadline = time.monotonic() + timeout
        marker = f"\n{token} ".encode()
        while marker not in self.pending:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                raise TimeoutError(f"no end after {timeout:.0f} s")
            chunk = os.read(self.process.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError(f"the shell exited: {self.stderr()}")
            self.pending += chunk
        output, _, rest = self.pending.partition(marker)
        while b"\n" not in rest:
            rest += os.read(self.process.stdout.fileno(), 65536)
        status, _, self.pending = rest.partition(b"\n")
        return output.decode("utf-8", "replace"), status.decode()

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace")

    def close(self):
        """Ending bash, pid 1 of its namespace, makes the kernel kill all that is left in it.

        Its input closed, bash exits by itself unless a command still runs (one that timed out);
        then killing unshare kills bash too (--kill-child).
        """
        self.process.stdin.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def run_command(shell: Shell, command: str, timeout: float) -> list[str]:
    output, _ = shell.run(f"{{ {command}\n}} </dev/null 2>&1", timeout)
    port = re.search(r"--port (\d+)", command)
    if "--daemonize yes" in command and port:
        shell.run(wait_for_port(port.group(1)), timeout)
    return lines_of(output)


def lines_of(output: str) -> list[str]:
    """The lines a terminal shows: none for no output, and no empty line after a final newline."""
    return output.removesuffix("\n").split("\n") if output else []


def wait_for_port(port: str) -> str:
    return (
        f"for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/{port}) 2>/dev/null && break; "
        f"sleep 0.1; done"
    )


# --- one chapter -----------------------------------------------------------------------------


def needed_programs(blocks: list[Block]) -> set[str]:
    programs = set()
    for block in blocks:
        if block.language != "console" or block.marker.startswith("not checked"):
            continue
        for command, _ in block.commands:
            command = command.replace("\\\n", " ").split("<<")[0]  # not a here-document's text
            command = re.sub(r"'[^']*'|\"[^\"]*\"", "''", command)  # nor a quoted | or ;
            command = re.sub(r"\$\(\(.*?\)\)", "", command)  # nor arithmetic
            for segment in re.split(r"\|\|?|;|&&|\n|\$\(", command):
                words = segment.lstrip("({! ").split()
                if (
                    words
                    and words[0] not in SHELL_WORDS
                    and "=" not in words[0]
                    and re.fullmatch(r"[\w./+-]+", words[0])
                ):
                    programs.add(words[0])
    return programs


def missing(programs: set[str], build: pathlib.Path, root: pathlib.Path) -> list[str]:
    absent = []
    for program in sorted(programs):
        if program.startswith("./build/"):
            found = (build / program[len("./build/") :]).exists()
        elif "/" in program:
            found = (root / program).exists()
        else:
            found = shutil.which(program) is not None
        if not found:
            absent.append(program)
    return absent


def check_chapter(
    root: pathlib.Path, chapter: pathlib.Path, build: pathlib.Path, sanitized: bool = False
) -> int:
    name = chapter.relative_to(root) if chapter.is_relative_to(root) else chapter
    blocks = sessions(chapter)
    problems = []
    for block in blocks:
        if block.stray and block.language == "console" and not block.marker:
            problems.append(f"{name}:{block.line}: output before the first `$ ` command")
        if block.language != "console" and not block.marker:
            problems.append(
                f"{name}:{block.line}: a ```{block.language} session with no marker: "
                f"make it ```console with its output, or mark it "
                f"<!-- session: not checked (reason) -->"
            )
    if problems:
        print("\n".join(problems))
        return 1
    absent = missing(needed_programs(blocks), build, root)
    if absent:
        print(f"check_sessions: {name}: skipped, not found: {', '.join(absent)}")
        return 77
    probe = subprocess.run(
        [*PRIVATE_NAMESPACES, "true"],
        capture_output=True,
    )
    if probe.returncode != 0 or shutil.which("ip") is None:
        print(
            f"check_sessions: {name}: skipped, no private namespaces here (unshare: "
            f"{probe.stderr.decode().strip() or 'ok'}; ip: {shutil.which('ip')})"
        )
        return 77

    started = time.monotonic()
    shell = Shell(root, build)
    failures, ran, skipped = [], 0, []
    background = []  # (block, shown lines, output file, job number)
    try:
        for block in blocks:
            if block.marker.startswith("not checked") or block.language != "console":
                skipped.append(f"{name}:{block.line}: {block.marker}")
                continue
            ran += 1
            vary = vary_texts(block.marker, sanitized)
            commands = block.commands
            if block.marker == "background":
                *commands, (server, server_shown) = commands
            for command, shown in commands:
                left = CHAPTER_TIMEOUT - (time.monotonic() - started)
                try:
                    actual = run_command(shell, command, min(COMMAND_TIMEOUT, left))
                except TimeoutError as error:
                    failures.append(f"{name}:{block.line}: $ {command}\n  {error}")
                    raise
                if block.marker.startswith("output not compared"):
                    continue
                if not matches(
                    [normalise(line, vary) for line in shown],
                    [normalise(line, vary) for line in actual],
                ):
                    failures.append(difference(name, block, command, shown, actual))
            if block.marker == "background":
                number = len(background)
                log = f"/tmp/.session/background.{number}"
                shell.run(
                    f"{{ {server}\n}} </dev/null >{log} 2>&1 & background_{number}=$!",
                    COMMAND_TIMEOUT,
                )
                try:
                    output, status = shell.run(
                        f"ready=0; for _ in $(seq 300); do "
                        f"if grep -q listening {log}; then ready=1; break; fi; "
                        f"kill -0 $background_{number} 2>/dev/null || break; sleep 0.1; done; "
                        f"test $ready = 1",
                        COMMAND_TIMEOUT + 5,
                    )
                except TimeoutError as error:  # a failure, not a silent end of the chapter
                    failures.append(f"{name}:{block.line}: $ {server}\n  {error}")
                    raise
                if status != "0":
                    log_text, _ = shell.run(f"cat {log}", COMMAND_TIMEOUT)
                    failures.append(
                        f"{name}:{block.line}: $ {server}\n  never printed a line "
                        f"with 'listening'; it printed:\n{indent(log_text)}"
                    )
                background.append((block, server, server_shown, vary, log, number))
        for block, server, shown, vary, log, number in background:
            exited, _ = shell.run(
                f"kill -0 $background_{number} 2>/dev/null && echo running", COMMAND_TIMEOUT
            )
            if exited.strip() == "running":
                shell.run(
                    f"kill -INT -- -$background_{number}; "
                    f"for _ in $(seq 100); do kill -0 $background_{number} 2>/dev/null "
                    f"|| break; sleep 0.1; done",
                    COMMAND_TIMEOUT,
                )
            output, _ = shell.run(f"cat {log}", COMMAND_TIMEOUT)
            actual = lines_of(output)
            expected = shown + ["..."]
            if not matches(
                [normalise(line, vary) for line in expected],
                [normalise(line, vary) for line in actual],
            ):
                failures.append(
                    difference(name, block, server + "   (in the background)", expected, actual)
                )
    except TimeoutError:
        pass
    finally:
        shell.close()

    for failure in failures:
        print(failure)
    for reason in skipped:
        print(f"  skipped {reason}")
    print(
        f"check_sessions: {name}: {ran} blocks run, {len(skipped)} skipped, "
        f"{len(failures)} commands differ, {time.monotonic() - started:.1f} s"
    )
    return 1 if failures else 0


def indent(text: str) -> str:
    return "\n".join("    | " + line for line in text.rstrip("\n").split("\n"))


def difference(name, block: Block, command: str, shown: list[str], actual: list[str]) -> str:
    return (
        f"{name}:{block.line}: $ {command}\n  the chapter shows:\n{indent(chr(10).join(shown))}"
        f"\n  the program printed:\n{indent(chr(10).join(actual))}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("root", type=pathlib.Path)
    parser.add_argument("chapter", type=pathlib.Path)
    parser.add_argument(
        "--build-dir",
        type=pathlib.Path,
        default=None,
        help="the build directory (default: ROOT/build)",
    )
    parser.add_argument(
        "--sanitized",
        action="store_true",
        help="the programs were built with a sanitizer (see the numbers vary marker)",
    )
    arguments = parser.parse_args()
    root = arguments.root.resolve()
    chapter = arguments.chapter if arguments.chapter.is_absolute() else root / arguments.chapter
    build = (arguments.build_dir or root / "build").resolve()
    return check_chapter(root, chapter.resolve(), build, arguments.sanitized)


if __name__ == "__main__":
    sys.exit(main())
