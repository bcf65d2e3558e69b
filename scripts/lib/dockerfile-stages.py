#!/usr/bin/env python3
"""Reads the repository's Dockerfile and prints, as bash assignments, what scripts/container-check reproduces.

container-check builds and runs the image's runtime half without a Docker engine. Reading the flags, packages,
user, environment and entrypoint from the Dockerfile itself (instead of repeating them in the script) means the
check fails when the two drift apart instead of silently testing something else.

Only the instruction forms the Dockerfile uses are understood; anything else in the runtime stage is an error,
so a new instruction gets a matching step in container-check before the check passes again.

Usage: dockerfile-stages.py DOCKERFILE   (eval the output in bash)
"""

import json
import shlex
import sys


def logical_lines(text):
    """Joins backslash continuations and drops comment lines, as Docker's parser does."""
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#") or (not stripped and current):
            continue
        if not stripped:
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        current += stripped
        lines.append(current)
        current = ""
    if current:
        lines.append(current)
    return lines


def exec_form(value, where):
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        sys.exit(f"dockerfile-stages: {where} must use the exec (JSON array) form, got: {value}")
    if not isinstance(parsed, list) or not all(isinstance(item, str) for item in parsed):
        sys.exit(f"dockerfile-stages: {where} must be a JSON array of strings, got: {value}")
    return parsed


def bash_array(name, items):
    return f"{name}=({' '.join(shlex.quote(item) for item in items)})"


def bash_scalar(name, value):
    return f"{name}={shlex.quote(value)}"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    stages = []
    for line in logical_lines(open(sys.argv[1], encoding="utf-8").read()):
        keyword, _, rest = line.partition(" ")
        keyword, rest = keyword.upper(), rest.strip()
        if keyword == "FROM":
            words = rest.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else ""
            stages.append({"from": words[0], "name": name, "steps": []})
        elif not stages:
            sys.exit(f"dockerfile-stages: instruction before FROM: {line}")
        else:
            stages[-1]["steps"].append((keyword, rest))
    if len(stages) != 2 or stages[0]["name"] != "build":
        sys.exit("dockerfile-stages: expected two stages, the first named `build`")
    build, runtime = stages

    # The build stage: only its `swift build` flags matter (the check builds on this machine's toolchain).
    swift_build = [rest for keyword, rest in build["steps"] if keyword == "RUN" and rest.startswith("swift build ")]
    if len(swift_build) != 1:
        sys.exit("dockerfile-stages: expected exactly one `RUN swift build ...` line in the build stage")
    build_args = shlex.split(swift_build[0])[2:]

    runs, env, copies, exposes = [], [], [], []
    user, workdir, stopsignal, healthcheck, entrypoint, cmd = "root", "/", "SIGTERM", [], [], []
    configured = False  # a RUN after ENV/USER/COPY would need those applied first; the check doesn't do that
    for keyword, rest in runtime["steps"]:
        if keyword == "RUN":
            if configured:
                sys.exit("dockerfile-stages: RUN after ENV/USER/COPY/WORKDIR in the runtime stage is not reproduced")
            runs.append(rest)
        elif keyword == "ENV":
            configured = True
            for word in shlex.split(rest):
                if "=" not in word:
                    sys.exit(f"dockerfile-stages: ENV must be KEY=VALUE pairs, got: {rest}")
                env.append(word)
        elif keyword == "COPY":
            configured = True
            words = shlex.split(rest)
            if len(words) != 3 or words[0] != "--from=build":
                sys.exit(f"dockerfile-stages: only `COPY --from=build SRC DEST` is reproduced, got: {rest}")
            copies.append(f"{words[1]} {words[2]}")
        elif keyword == "USER":
            configured, user = True, rest
        elif keyword == "WORKDIR":
            configured, workdir = True, rest
        elif keyword == "EXPOSE":
            exposes += rest.split()
        elif keyword == "STOPSIGNAL":
            stopsignal = rest
        elif keyword == "HEALTHCHECK":
            words = rest.split(" CMD ", 1)
            if len(words) != 2:
                sys.exit(f"dockerfile-stages: HEALTHCHECK must end in `CMD [...]`, got: {rest}")
            healthcheck = exec_form(words[1].strip(), "HEALTHCHECK CMD")
        elif keyword == "ENTRYPOINT":
            entrypoint = exec_form(rest, "ENTRYPOINT")
        elif keyword == "CMD":
            cmd = exec_form(rest, "CMD")
        else:
            sys.exit(f"dockerfile-stages: runtime-stage instruction {keyword} is not reproduced by container-check")

    print(bash_scalar("BUILD_FROM", build["from"]))
    print(bash_array("BUILD_SWIFT_ARGS", build_args))
    print(bash_scalar("RUNTIME_FROM", runtime["from"]))
    print(bash_array("RUNTIME_RUN", runs))
    print(bash_array("RUNTIME_ENV", env))
    print(bash_array("RUNTIME_COPY", copies))
    print(bash_scalar("RUNTIME_USER", user))
    print(bash_scalar("RUNTIME_WORKDIR", workdir))
    print(bash_array("RUNTIME_EXPOSE", exposes))
    print(bash_scalar("RUNTIME_STOPSIGNAL", stopsignal))
    print(bash_array("RUNTIME_HEALTHCHECK", healthcheck))
    print(bash_array("RUNTIME_ENTRYPOINT", entrypoint))
    print(bash_array("RUNTIME_CMD", cmd))


if __name__ == "__main__":
    main()
