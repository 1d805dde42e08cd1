# Shared by scripts/demo.sh and scripts/test.sh (sourced, not run).
#
# ensure_venv ARGS...: create .venv with Python 3.11 if missing and pip-install ARGS (e.g.
# -e . or -e '.[dev]') with the pinned versions of requirements/constraints.txt. Reinstalls only when
# the pins, the project metadata or ARGS changed, so running a script twice costs nothing.

find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    echo "Python 3.11 is required (python3.11 or python3 must be 3.11)." >&2
    return 1
}

ensure_venv() {
    local spec="$*" python stamp
    if [[ ! -x .venv/bin/python ]]; then
        echo "==> Creating the virtual environment .venv"
        python="$(find_python)" || return 1
        "$python" -m venv .venv || return 1
    fi
    stamp=".venv/.zhiyang-$(printf '%s' "$spec" | cat - requirements/constraints.txt pyproject.toml \
        | sha256sum | cut -c1-16)"
    if [[ ! -f "$stamp" ]]; then
        echo "==> Installing Zhiyang ($spec) with pinned dependencies"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check \
            -c requirements/constraints.txt "$@" || return 1
        touch "$stamp"
    fi
}
