//go:build race

package pagecache

// raceEnabled: the race detector's sync.Pool drops one value in four at
// random, so what pooling saves cannot be measured under it.
const raceEnabled = true
