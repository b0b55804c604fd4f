package contentrules

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
)

// TestReasonTableMatchesDocs reads the reason table of docs/ARCHITECTURE.md
// and checks that it lists exactly the reasons of the code table, in the
// same order, each with the same gRPC code.
func TestReasonTableMatchesDocs(t *testing.T) {
	b, err := os.ReadFile("../../docs/ARCHITECTURE.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := regexp.MustCompile("(?m)^\\| `([A-Z_0-9]+)` \\| ([A-Z_]+) \\|").FindAllSubmatch(b, -1)
	var docs []string
	for _, r := range rows {
		docs = append(docs, string(r[1])+" "+string(r[2]))
	}
	var table []string
	for _, rc := range reasonCodes {
		table = append(table, rc.reason+" "+grpcName(rc.code))
	}
	if got, want := strings.Join(docs, "\n"), strings.Join(table, "\n"); got != want {
		t.Errorf("ARCHITECTURE.md reason table:\n%s\n\nwant (contentrules.reasonCodes):\n%s", got, want)
	}
}

// grpcName spells a code as the docs do: INVALID_ARGUMENT.
func grpcName(c codes.Code) string {
	return strings.ToUpper(regexp.MustCompile(`([a-z])([A-Z])`).ReplaceAllString(c.String(), "${1}_${2}"))
}

func TestCode(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Reasons() {
		if seen[r] {
			t.Errorf("reason %s twice in the table", r)
		}
		seen[r] = true
		if Code(r) == codes.Internal || Code(r) == codes.OK {
			t.Errorf("Code(%s) = %v", r, Code(r))
		}
	}
	if got := Code("NO_SUCH_REASON"); got != codes.Internal {
		t.Errorf("Code of an unknown reason: got %v, want Internal", got)
	}
	if Code(ReasonInvalidSuccessor) == Code(ReasonSuccessorNotFound) {
		t.Errorf("a malformed successor and a missing one must be told apart by code")
	}
}
