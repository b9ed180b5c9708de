# Sourced by scripts/serve and scripts/test: a .venv with the project installed.
# Usage: source scripts/_venv.sh [extra]   (extra: "test" adds the test dependencies)
extra="${1:-}"
python_bin=""
for candidate in python3.11 python3.12 python3.13 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && \
     "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    python_bin="$candidate"; break
  fi
done
if [ -z "$python_bin" ]; then
  echo "Uptake needs Python 3.11 or newer (python3.11 on PATH)." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python_bin ..."
  "$python_bin" -m venv .venv
fi
# Reinstall only when the dependencies changed, so a restart is quick.
stamp=".venv/.uptake-installed-${extra:-base}"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "Installing Uptake and its dependencies into .venv ..."
  .venv/bin/python -m pip install --quiet --upgrade pip
  if [ -n "$extra" ]; then
    .venv/bin/python -m pip install --quiet -e ".[$extra]"
  else
    .venv/bin/python -m pip install --quiet -e .
  fi
  echo "$want" > "$stamp"
fi
