#!/bin/sh
# Installs (or, with --uninstall, removes) the hoist binary and its systemd files:
#
#   PREFIX/bin/hoist                          the binary (default: .build/release/hoist)
#   /etc/systemd/system/hoist.service         the unit
#   /usr/lib/sysusers.d/hoist.conf            the hoist user and hoist-drop group
#   /usr/lib/tmpfiles.d/hoist.conf            /var/spool/hoist/incoming, done/, failed/
#   /etc/hoist/hoist.toml.example             the commented config
#   /etc/hoist/hoist.toml                     a copy of the example, only when there is none (it is
#                                             the admin's from then on: never overwritten)
#   /etc/hoist/credentials/                   the folder for the two key files LoadCredential= reads
#   PREFIX/share/man/man1/hoist.1             the man page (docs/man/hoist.1, from the argument parser)
#   PREFIX/share/bash-completion/completions/hoist, PREFIX/share/zsh/site-functions/_hoist,
#   PREFIX/share/fish/vendor_completions.d/hoist.fish
#                                             shell completions, written by the binary itself
#                                             (hoist --generate-completion-script SHELL), so they
#                                             always match the installed version
#
# With --destdir DIR everything goes under DIR and no system command runs (packaging, tests).
# Without it, the script creates the user and folders and reloads systemd, but does not start
# the service: edit /etc/hoist/hoist.toml and write the credentials first (it says how), then
# `systemctl enable --now hoist`. --uninstall keeps /etc/hoist/hoist.toml, the journal in
# /var/lib/hoist and the spool folders: they are the admin's data.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
prefix=/usr/local
destdir=
binary=
uninstall=0

usage() {
    echo "usage: $0 [--prefix DIR] [--destdir DIR] [--binary PATH] [--uninstall]" >&2
    exit 2
}

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || usage; prefix=$2; shift 2 ;;
        --destdir) [ $# -ge 2 ] || usage; destdir=$2; shift 2 ;;
        --binary) [ $# -ge 2 ] || usage; binary=$2; shift 2 ;;
        --uninstall) uninstall=1; shift ;;
        -h|--help) usage ;;
        *) echo "$0: unknown option $1" >&2; usage ;;
    esac
done

bin="$destdir$prefix/bin/hoist"
unit="$destdir/etc/systemd/system/hoist.service"
sysusers="$destdir/usr/lib/sysusers.d/hoist.conf"
tmpfiles="$destdir/usr/lib/tmpfiles.d/hoist.conf"
example="$destdir/etc/hoist/hoist.toml.example"
manpage="$destdir$prefix/share/man/man1/hoist.1"
bash_completion="$destdir$prefix/share/bash-completion/completions/hoist"
zsh_completion="$destdir$prefix/share/zsh/site-functions/_hoist"
fish_completion="$destdir$prefix/share/fish/vendor_completions.d/hoist.fish"
# Only a real install talks to the system.
live() { [ -z "$destdir" ]; }

if [ "$uninstall" -eq 1 ]; then
    if live && command -v systemctl >/dev/null 2>&1; then
        systemctl disable --now hoist.service 2>/dev/null || true
    fi
    rm -f "$bin" "$unit" "$sysusers" "$tmpfiles" "$example" "$manpage" \
        "$bash_completion" "$zsh_completion" "$fish_completion"
    if live && command -v systemctl >/dev/null 2>&1; then systemctl daemon-reload || true; fi
    echo "removed hoist; kept /etc/hoist/hoist.toml, /var/lib/hoist and /var/spool/hoist"
    exit 0
fi

if [ -z "$binary" ]; then binary="$here/../.build/release/hoist"; fi
if [ ! -x "$binary" ]; then
    echo "$0: no hoist binary at $binary: run 'swift build -c release' first or give --binary PATH" >&2
    exit 1
fi

install -d -m 0755 "$(dirname "$bin")" "$(dirname "$unit")" "$(dirname "$sysusers")" "$(dirname "$tmpfiles")"
install -d -m 0755 "$(dirname "$example")"
install -m 0755 "$binary" "$bin"
# The unit names /usr/local/bin/hoist; another prefix is written into the installed copy.
sed "s|/usr/local/bin/hoist|$prefix/bin/hoist|g" "$here/hoist.service" > "$unit.tmp"
chmod 0644 "$unit.tmp"
mv "$unit.tmp" "$unit"
install -m 0644 "$here/hoist.sysusers" "$sysusers"
install -m 0644 "$here/hoist.tmpfiles" "$tmpfiles"
install -m 0644 "$here/hoist.toml.example" "$example"
config="$destdir/etc/hoist/hoist.toml"
credentials="$destdir/etc/hoist/credentials"
if [ ! -e "$config" ]; then
    install -m 0644 "$here/hoist.toml.example" "$config"
    config_note="wrote $config from the example: set bucket, region and prefix in it"
else
    config_note="kept the existing $config"
fi
install -d -m 0700 "$credentials"
install -d -m 0755 "$(dirname "$manpage")"
install -m 0644 "$here/../docs/man/hoist.1" "$manpage"
# Completions come from the installed binary (swift-argument-parser writes them), never from a
# copy that could describe another version's flags.
for shell in bash zsh fish; do
    case "$shell" in
        bash) target=$bash_completion ;;
        zsh) target=$zsh_completion ;;
        fish) target=$fish_completion ;;
    esac
    install -d -m 0755 "$(dirname "$target")"
    if ! "$bin" --generate-completion-script "$shell" > "$target.tmp"; then
        rm -f "$target.tmp"
        echo "$0: $bin --generate-completion-script $shell failed" >&2
        exit 1
    fi
    chmod 0644 "$target.tmp"
    mv "$target.tmp" "$target"
done

if live; then
    command -v systemd-sysusers >/dev/null 2>&1 && systemd-sysusers "$sysusers"
    command -v systemd-tmpfiles >/dev/null 2>&1 && systemd-tmpfiles --create "$tmpfiles"
    command -v systemctl >/dev/null 2>&1 && systemctl daemon-reload
    echo "installed; $config_note"
    echo "credentials (skip on an ECS instance with a RAM role, and delete the unit's two LoadCredential= lines):"
    echo "  install -m 0600 /dev/stdin $credentials/access-key-id      # paste the AccessKey ID, then Ctrl-D"
    echo "  install -m 0600 /dev/stdin $credentials/access-key-secret  # paste the AccessKey secret, then Ctrl-D"
    echo "then: hoist doctor --config /etc/hoist/hoist.toml && systemctl enable --now hoist"
else
    echo "installed under $destdir; $config_note"
fi
