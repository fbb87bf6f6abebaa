# Runs a command (pytest) as root of a new user namespace with its own mount namespace, where it
# may mount a small tmpfs to fill up, without being root on the machine. Exits 77 (ctest's
# SKIP_RETURN_CODE) where unprivileged user namespaces are disabled. Part of the hardening suite.
import os
import subprocess
import sys

PRIVATE_MOUNTS = ["unshare", "--user", "--map-root-user", "--mount"]


def main() -> int:
    probe = subprocess.run([*PRIVATE_MOUNTS, "true"], capture_output=True)
    if probe.returncode != 0:
        print(
            "in_private_mount: skipped, no private mount namespace here (unshare: "
            f"{probe.stderr.decode().strip()})"
        )
        return 77
    environment = dict(os.environ, PERSISTENCE_FAULTS_NAMESPACE="1")
    return subprocess.run([*PRIVATE_MOUNTS, *sys.argv[1:]], env=environment).returncode


if __name__ == "__main__":
    sys.exit(main())
