#!/bin/sh
# Installs groundwatch as a systemd service on Debian 12 or 13, in one command:
#
#   sudo sh deploy/install.sh groundwatch-0.1.0.tgz      # a tarball made by `npm pack`
#   sudo sh deploy/install.sh                            # or the package from the npm registry
#
# Needs Node.js >= 20 and npm first: on Debian 13 `apt-get install nodejs npm` (Node 20);
# on Debian 12 (whose nodejs is 18) NodeSource's nodejs 20.x. No compiler is needed: the
# package ships the libpcap binding prebuilt for linux-x64 and installs without scripts.
#
# What it does (each step is skipped when already done, so it can be run again to upgrade):
#   - system group and user `groundwatch` (no login, home /var/lib/groundwatch)
#   - /var/lib/groundwatch (the store) and /var/log/groundwatch (NDJSON), 0750 groundwatch:groundwatch:
#     members of the group can read them, nobody else (the unit's UMask=0027 keeps files 0640)
#   - the package under /usr/local (npm install -g --prefix /usr/local --ignore-scripts)
#   - /etc/systemd/system/groundwatch.service, /etc/logrotate.d/groundwatch,
#     /etc/groundwatch/config.yaml (only if absent: an edited config is never overwritten)
#   - systemctl enable --now groundwatch (only when systemd runs as PID 1; says so otherwise)
#
# Options:
#   --root DIR        install into DIR as if it were / (a chroot or a test directory);
#                     the user is created in DIR/etc, and nothing is enabled or started
#   --interface NAME  the mirror-port interface written into a new config.yaml
#   --no-start        enable the unit but do not start it
set -eu

ROOT=/
TARBALL=
INTERFACE=
START=yes
PREFIX=/usr/local
USER_NAME=groundwatch

die() { echo "install.sh: $*" >&2; exit 1; }
say() { echo "install.sh: $*"; }

while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || die "--root needs a directory"; ROOT=$2; shift 2 ;;
    --interface) [ $# -ge 2 ] || die "--interface needs a name"; INTERFACE=$2; shift 2 ;;
    --no-start) START=no; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) [ -z "$TARBALL" ] || die "one package at most (got $TARBALL and $1)"; TARBALL=$1; shift ;;
  esac
done

[ "$(id -u)" -eq 0 ] || die "run as root (it creates a system user and installs a unit)"
ROOT=$(cd "$ROOT" 2>/dev/null && pwd) || die "--root: no such directory"
R=${ROOT%/}   # "" for the real root, so "$R/etc" is /etc

# Node >= 20 (the package's engines field); the one that will run the service is the system's.
command -v node >/dev/null 2>&1 || die "Node.js 20 or later is needed: Debian 13: apt-get install nodejs npm; Debian 12: NodeSource nodejs 20.x"
command -v npm >/dev/null 2>&1 || die "npm is needed: Debian 13: apt-get install npm; Debian 12: NodeSource nodejs 20.x includes it"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "Node.js $(node --version) is too old: 20 or later is needed (Debian 12: NodeSource nodejs 20.x)"

# libpcap at run time (libpcap0.8, or libpcap0.8t64 on Debian 13); only on the real root.
if [ -z "$R" ] && ! ldconfig -p 2>/dev/null | grep -q 'libpcap\.so\.0\.8'; then
  say "installing libpcap (runtime library)"
  apt-get install -y -qq libpcap0.8t64 >/dev/null 2>&1 || apt-get install -y -qq libpcap0.8 >/dev/null || die "cannot install libpcap0.8"
fi

# Group and user: system ids, no login shell, no home created (the state dir is its home).
if [ -n "$R" ]; then
  mkdir -p "$R/etc"
  for f in passwd group shadow gshadow; do [ -e "$R/etc/$f" ] || : >"$R/etc/$f"; done
  ROOT_OPT="--root $R"
else
  ROOT_OPT=
fi
if ! grep -q "^$USER_NAME:" "$R/etc/group"; then
  # shellcheck disable=SC2086
  groupadd $ROOT_OPT --system "$USER_NAME"
  say "created group $USER_NAME"
fi
if ! grep -q "^$USER_NAME:" "$R/etc/passwd"; then
  # shellcheck disable=SC2086
  useradd $ROOT_OPT --system --gid "$USER_NAME" --home-dir /var/lib/groundwatch --no-create-home \
    --shell /usr/sbin/nologin --comment "groundwatch egress monitor" "$USER_NAME"
  say "created user $USER_NAME"
fi
USER_ID=$(awk -F: -v u="$USER_NAME" '$1 == u { print $3 }' "$R/etc/passwd")
GROUP_ID=$(awk -F: -v g="$USER_NAME" '$1 == g { print $3 }' "$R/etc/group")

for dir in /var/lib/groundwatch /var/log/groundwatch; do
  install -d -m 0750 -o "$USER_ID" -g "$GROUP_ID" "$R$dir"
done

# The package: the tarball given, else the registry's. Install scripts are not needed (the
# binding is prebuilt, dependencies are bundled) and are not run.
PACKAGE=${TARBALL:-groundwatch}
if [ -n "$TARBALL" ]; then
  [ -f "$TARBALL" ] || die "no such package file: $TARBALL"
  PACKAGE=$(cd "$(dirname "$TARBALL")" && pwd)/$(basename "$TARBALL")
fi
say "installing $PACKAGE into $R$PREFIX"
mkdir -p "$R$PREFIX"
npm install --global --prefix "$R$PREFIX" --ignore-scripts --no-audit --no-fund --loglevel=error "$PACKAGE"
PKG_DIR=$R$PREFIX/lib/node_modules/groundwatch
[ -x "$R$PREFIX/bin/groundwatch" ] || die "the package did not install $PREFIX/bin/groundwatch"

# Unit, logrotate and config from the installed package, so they match its version.
install -D -m 0644 "$PKG_DIR/deploy/groundwatch.service" "$R/etc/systemd/system/groundwatch.service"
install -D -m 0644 "$PKG_DIR/deploy/groundwatch.logrotate" "$R/etc/logrotate.d/groundwatch"
install -d -m 0750 -o 0 -g "$GROUP_ID" "$R/etc/groundwatch"
if [ -e "$R/etc/groundwatch/config.yaml" ]; then
  say "keeping the existing /etc/groundwatch/config.yaml"
else
  install -m 0640 -o 0 -g "$GROUP_ID" "$PKG_DIR/deploy/groundwatch.example.yaml" "$R/etc/groundwatch/config.yaml"
  if [ -n "$INTERFACE" ]; then
    sed -i "s/^interface: .*/interface: $INTERFACE/" "$R/etc/groundwatch/config.yaml"
  fi
  say "wrote /etc/groundwatch/config.yaml (check interface: and devices: before starting)"
fi

if [ -n "$R" ]; then
  say "installed under $R; not enabling the unit (--root)"
elif [ "$(ps -p 1 -o comm= 2>/dev/null)" != systemd ] || [ ! -d /run/systemd/system ]; then
  say "systemd is not PID 1 here: the unit is installed but not enabled or started"
else
  systemctl daemon-reload
  if [ "$START" = yes ]; then
    systemctl enable --now groundwatch.service
    say "groundwatch.service enabled and started (systemctl status groundwatch; journalctl -u groundwatch)"
  else
    systemctl enable groundwatch.service
    say "groundwatch.service enabled; start it with: systemctl start groundwatch"
  fi
fi
say "done: $(node "$PKG_DIR/dist/cli/main.js" --version 2>/dev/null || echo '?') in $PREFIX"
