package pgcluster

import (
	"fmt"
	"os"
)

// LibFakeTime is Debian's libfaketime (package libfaketime), which moves the
// clock of a C program it is preloaded into: PostgreSQL's now() follows it.
// Go programs read the clock through the vDSO and are not moved.
const LibFakeTime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"

// FakeTimeEnv is the environment (Config.Env) that runs a server under
// libfaketime with its clock offset read from file: "+0" for the true
// time, "+1h" an hour ahead, "-30m" half an hour behind. The server reads
// the file again at most a second after it changes, so a test can make its
// clock jump while it runs. The monotonic clock is left alone (timeouts,
// latches). file must be readable by the postgres user.
func FakeTimeEnv(file string) ([]string, error) {
	if _, err := os.Stat(LibFakeTime); err != nil {
		return nil, fmt.Errorf("pgcluster: no libfaketime (%w): apt-get install libfaketime (make deps installs it)", err)
	}
	return []string{
		"LD_PRELOAD=" + LibFakeTime,
		"FAKETIME_TIMESTAMP_FILE=" + file,
		"FAKETIME_CACHE_DURATION=1",
		"FAKETIME_DONT_FAKE_MONOTONIC=1",
	}, nil
}
