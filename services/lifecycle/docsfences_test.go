package lifecycle

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every code block of the docs closes with a fence of its own: a closing
// fence followed by text (OPERATIONS.md had "``` With HUB_COMPLIANCE_RULES
// unset …") does not close the block, and the rest of the page renders as
// code.
func TestDocsCodeBlocksClose(t *testing.T) {
	root := filepath.Join("..", "..")
	docs, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	docs = append(docs, filepath.Join(root, "README.md"))
	fence := regexp.MustCompile("^\\s*```(.*)$")
	for _, doc := range docs {
		b, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		open := 0 // the line of the open block's fence
		for i, line := range strings.Split(string(b), "\n") {
			m := fence.FindStringSubmatch(line)
			switch {
			case m == nil:
			case open == 0:
				open = i + 1
			case strings.TrimSpace(m[1]) != "":
				t.Errorf("%s:%d: text after the fence that should close the block of line %d: %q",
					filepath.Base(doc), i+1, open, line)
				open = 0
			default:
				open = 0
			}
		}
		if open != 0 {
			t.Errorf("%s:%d: a code block that never closes", filepath.Base(doc), open)
		}
	}
}
