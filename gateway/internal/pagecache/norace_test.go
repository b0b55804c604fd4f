//go:build !race

package pagecache

// raceEnabled: see race_test.go.
const raceEnabled = false
