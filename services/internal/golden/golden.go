// Package golden keeps digests of a function's whole output over a set of
// inputs in a file beside the tests, so that a rewrite meant to leave the
// output as it was (an allocation cut, a faster path) is proved to: the
// tests of vnenc and search compare their digests with it.
package golden

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"hash"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Update is go test's -update-golden: Compare writes the files instead of
// comparing (for a change meant to change the output).
var Update = flag.Bool("update-golden", false, "rewrite the golden digests from what the code returns now")

// Digests collects one digest per named group of inputs, in order.
type Digests struct {
	names []string
	got   map[string]string
}

// Group hashes what write writes for each of n inputs as the group name.
func (d *Digests) Group(name string, n int, write func(h hash.Hash, i int)) {
	h := sha256.New()
	for i := range n {
		write(h, i)
	}
	if d.got == nil {
		d.got = map[string]string{}
	}
	d.names = append(d.names, name)
	d.got[name] = fmt.Sprintf("%d %s", n, hex.EncodeToString(h.Sum(nil)))
}

// Compare fails t for each group whose digest differs from file's, or
// writes file when update (go test -update-golden, for a change meant to
// change the output).
func (d *Digests) Compare(t testing.TB, file string, update bool) {
	t.Helper()
	if update {
		var b strings.Builder
		for _, n := range d.names {
			fmt.Fprintf(&b, "%s\t%s\n", n, d.got[n])
		}
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, digest, _ := strings.Cut(sc.Text(), "\t")
		want[name] = digest
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, n := range d.names {
		if d.got[n] != want[n] {
			t.Errorf("%s: inputs and digest %s, %s holds %s", n, d.got[n], file, want[n])
		}
	}
	if len(want) != len(d.names) {
		t.Errorf("%d groups, %s holds %d", len(d.names), file, len(want))
	}
}

// Text is the file at path, or fails t.
func Text(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
