# Shared by scripts/demo, scripts/test and bench/run: the packages venv2docker
# needs, installing only what is missing, and building it.

# Build dependencies (the system packages meson.build looks for first).
BUILD_PACKAGES=(meson ninja-build pkg-config g++ libssl-dev zlib1g-dev libarchive-dev libisal-dev liburing-dev
  libmimalloc-dev nlohmann-json3-dev libcli11-dev catch2 libcurl4-openssl-dev libtomlplusplus-dev)
# What real offline venvs are made with.
PYTHON_PACKAGES=(python3 python3-venv python3-dev python3-pip-whl python3-setuptools-whl python3-wheel-whl)

step() { printf '\n==> %s\n' "$*" >&2; }

# Installs the given Debian packages that are not installed yet (apt-get update
# first, and only when something is missing).
install_packages() {
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if ((${#missing[@]})); then
    step "Installing ${missing[*]}"
    local sudo=()
    [[ $(id -u) -eq 0 ]] || sudo=(sudo)
    "${sudo[@]}" apt-get update -q
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q "${missing[@]}"
  fi
}

# Configures (once) and builds into build/.
build_venv2docker() {
  step "Building venv2docker"
  if [[ ! -f build/build.ninja ]]; then
    meson setup build --buildtype=release
  fi
  ninja -C build
}
