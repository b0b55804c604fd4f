#!/usr/bin/env bash
# Runs each fuzz target for a bounded time (make fuzz; make test runs it):
#   scripts/fuzz.sh FUZZTIME module:package:Target...
# A failing input is written by go test to the package's
# testdata/fuzz/<Target>/ (commit it with the fix, as a regression seed).
# Go 1.26's fuzz coordinator can end a duration-bounded run with a bare
# "context deadline exceeded" and no failing input (golang/go#75804, fixed
# in Go 1.27) on a loaded machine: such a run is reported and not counted
# as a failure; a run that wrote a failing input, or failed otherwise, is.
set -uo pipefail
fuzztime=$1; shift
failed=0
for spec in "$@"; do
	module=${spec%%:*}; rest=${spec#*:}; pkg=${rest%%:*}; target=${rest#*:}
	dir="$module/${pkg#./}/testdata/fuzz/$target"
	before=$(ls "$dir" 2>/dev/null | sort)
	echo "== fuzz $module $pkg $target ($fuzztime)"
	out=$(cd "$module" && go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -parallel 1 "$pkg" 2>&1)
	rc=$?
	after=$(ls "$dir" 2>/dev/null | sort)
	if [ $rc -eq 0 ]; then
		echo "$out" | tail -1
	elif [ "$before" = "$after" ] && [ "$(echo "$out" | grep -c -- '--- FAIL')" = 1 ] &&
		echo "$out" | grep -q '^    context deadline exceeded$'; then
		echo "$out" | tail -3
		echo "fuzz $target: the run ended with Go's fuzztime race (golang/go#75804), no failing input: not a failure"
	else
		echo "$out" | tail -40
		echo "fuzz $target FAILED; a failing input is in $dir (new: $(comm -13 <(echo "$before") <(echo "$after") | tr '\n' ' '))"
		failed=1
	fi
done
exit $failed
