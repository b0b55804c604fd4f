package lifecycle

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every metric name the docs mention is one some service registers (issue
// 10 point 13: the names in the docs were wrong). A name counts as
// registered when the Go sources (tests aside) hold it as a string
// literal, or as a literal prefix ending in "_" joined with another
// literal (pagecache's counters); x_* needs a literal with that prefix.
// Identifiers of the SQL migrations (roles, channels) are not metrics.
func TestDocumentedMetricsAreRegistered(t *testing.T) {
	root := filepath.Join("..", "..")
	registered, sqlWords := registeredMetrics(t, root)

	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	docs = append(docs, filepath.Join(root, "README.md"))
	fence := regexp.MustCompile("(?s)```.*?```")
	code := regexp.MustCompile("`([^`\n]+)`")
	// A metric is written alone between backticks, with its labels or a
	// wildcard: `x_total{tenant}`, `x_{a,b}`, `x_*`.
	name := regexp.MustCompile(`^(?:portalhub|subportal)_[a-z0-9_]*(?:\{[^}]*\}|\*)?$`)
	checked := 0
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, span := range code.FindAllStringSubmatch(fence.ReplaceAllString(string(b), ""), -1) {
			for _, n := range name.FindAllString(strings.TrimSpace(span[1]), -1) {
				for _, metric := range expand(n) {
					if sqlWords[metric] {
						continue
					}
					checked++
					if !registered(metric) {
						t.Errorf("%s mentions the metric %s (in `%s`), which no service registers", filepath.Base(doc), metric, span[1])
					}
				}
			}
		}
	}
	if checked < 10 {
		t.Errorf("only %d metric names found in the docs: is the pattern still right?", checked)
	}
}

// registeredMetrics reads the Go sources under root (tests aside) and
// answers whether a metric name is registered (see
// TestDocumentedMetricsAreRegistered), with the words of the SQL
// migrations, which are not metrics.
func registeredMetrics(t *testing.T, root string) (func(string) bool, map[string]bool) {
	t.Helper()
	literals := map[string]bool{}
	sqlWords := map[string]bool{}
	literal := regexp.MustCompile(`"([a-z0-9_]+)"`)
	word := regexp.MustCompile(`[a-z0-9_]+`)
	for _, dir := range []string{"services", "gateway", "tenants"} {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			switch {
			case strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go"):
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for _, m := range literal.FindAllStringSubmatch(string(b), -1) {
					literals[m[1]] = true
				}
			case strings.HasSuffix(path, ".sql"):
				b, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				for _, w := range word.FindAllString(string(b), -1) {
					sqlWords[w] = true
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	registered := func(name string) bool {
		if prefix, ok := strings.CutSuffix(name, "*"); ok {
			for l := range literals {
				if strings.HasPrefix(l, prefix) {
					return true
				}
			}
			return false
		}
		if literals[name] {
			return true
		}
		for l := range literals {
			if strings.HasSuffix(l, "_") && strings.HasPrefix(name, l) && literals[name[len(l):]] {
				return true
			}
		}
		return false
	}
	return registered, sqlWords
}

// expand turns a documented name into metric names: "x_{a,b}" into x_a
// and x_b, "x{label,...}" (labels) into x; "x_*" stays a prefix.
func expand(n string) []string {
	i := strings.Index(n, "{")
	if i < 0 {
		return []string{n}
	}
	base, inner := n[:i], strings.TrimSuffix(n[i+1:], "}")
	if !strings.HasSuffix(base, "_") {
		return []string{base} // labels
	}
	var out []string
	for _, alt := range strings.Split(inner, ",") {
		out = append(out, base+strings.TrimSpace(alt))
	}
	return out
}
