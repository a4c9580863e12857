#!/bin/sh
# Regenerates docs/man/hoist.1, the man page systemd/install.sh installs, from the argument
# parser's own description of every command (swift-argument-parser's generate-manual plugin,
# which runs `hoist --experimental-dump-help`). The plugin needs no network once the package's
# dependencies are checked out (any `swift build` does that).
#
# Run it after changing a command, a flag or a help text. HoistIntegrationTests' ManualPageTests
# fail when the committed page lacks a command or a flag the binary has.
#
#   scripts/update-manpage.sh            # debug build (reuses .build/debug)
set -eu
cd "$(dirname "$0")/.."

# The page's date: the last commit's, so regenerating an unchanged tool changes nothing.
date=$(git log -1 --format=%cs 2>/dev/null || date +%Y-%m-%d)
swift package plugin generate-manual --configuration debug --date "$date"
out=.build/plugins/GenerateManual/outputs/hoist/hoist.1
if [ ! -s "$out" ]; then
    echo "$0: the plugin wrote no $out" >&2
    exit 1
fi
install -m 0644 "$out" docs/man/hoist.1
echo "wrote docs/man/hoist.1"
