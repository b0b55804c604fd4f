package editorial

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// FieldDiff is the line-by-line difference of one field between two
// revisions.
type FieldDiff struct {
	Field string // "kind", "category", "state", "published_at", "texts[vi].title", ..., "details", "attachments"
	Lines []DiffLine
}

// DiffLine is one line of a difference: Op "=" (in both), "-" (only in the
// older) or "+" (only in the newer).
type DiffLine struct {
	Op   string
	Text string
}

// Diff returns the fields that differ between two revisions (of the same
// item or not), each as a line-based difference from fromRevID to toRevID.
// Fields that are equal are left out.
func (s *Service) Diff(ctx context.Context, fromRevID, toRevID int64) ([]FieldDiff, error) {
	from, err := s.Get(ctx, fromRevID)
	if err != nil {
		return nil, err
	}
	to, err := s.Get(ctx, toRevID)
	if err != nil {
		return nil, err
	}
	return DiffChanges(from.Change, to.Change), nil
}

// DiffChanges returns the fields that differ between two changes.
func DiffChanges(from, to Change) []FieldDiff {
	a, b := changeFields(from), changeFields(to)
	var out []FieldDiff
	for _, f := range fieldOrder(a, b) {
		x, y := a.lines[f], b.lines[f]
		if equalLines(x, y) {
			continue
		}
		out = append(out, FieldDiff{Field: f, Lines: DiffLines(x, y)})
	}
	return out
}

type fields struct {
	order []string
	lines map[string][]string
}

func (f *fields) add(name, text string) {
	f.order = append(f.order, name)
	if text == "" {
		f.lines[name] = nil
		return
	}
	f.lines[name] = strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
}

func changeFields(c Change) fields {
	f := fields{lines: map[string][]string{}}
	f.add("kind", strings.TrimPrefix(c.Kind.String(), "CONTENT_KIND_"))
	f.add("category", c.Category)
	state := c.State
	if state == pb.PublicationState_PUBLICATION_STATE_UNSPECIFIED {
		state = pb.PublicationState_PUBLICATION_STATE_PUBLISHED
	}
	st := strings.TrimPrefix(state.String(), "PUBLICATION_STATE_")
	if u := c.Unpublishing; u != nil {
		st += "\n" + indentedJSON(u)
	}
	f.add("state", st)
	if !c.PublishedAt.IsZero() {
		f.add("published_at", c.PublishedAt.In(Zone).Format("2006-01-02 15:04"))
	} else {
		f.add("published_at", "")
	}
	for _, loc := range sortedLocales(c.Texts) {
		t := c.Texts[loc]
		f.add(TextField(loc, "title"), t.Title)
		f.add(TextField(loc, "summary"), t.Summary)
		f.add(TextField(loc, "slug"), t.Slug)
		f.add(TextField(loc, "markdown"), t.Markdown)
	}
	if c.Details != nil {
		f.add("details", indentedJSON(c.Details))
	} else {
		f.add("details", "")
	}
	var att []string
	for _, a := range c.Attachments {
		line := fmt.Sprintf("%s (%s, %s)", a.GetFilename(), a.GetMediaType(), a.GetSha256())
		if a.GetTitle() != "" {
			line = a.GetTitle() + ": " + line
		}
		att = append(att, line)
	}
	f.add("attachments", strings.Join(att, "\n"))
	return f
}

// indentedJSON is m's protojson, re-indented so that it is stable (protojson
// varies its whitespace on purpose).
func indentedJSON(m proto.Message) string {
	b, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(m)
	if err != nil {
		return fmt.Sprint(m)
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return string(b)
	}
	return buf.String()
}

func fieldOrder(a, b fields) []string {
	seen := map[string]bool{}
	var out []string
	for _, list := range [][]string{a.order, b.order} {
		for _, f := range list {
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

func equalLines(x, y []string) bool {
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// maxDiffCells bounds the work of the longest-common-subsequence table;
// beyond it the differing middle is shown as removed then added.
const maxDiffCells = 4 << 20

// DiffLines returns the line-based difference from a to b: the common
// prefix and suffix, and a longest common subsequence of what lies between.
func DiffLines(a, b []string) []DiffLine {
	var out []DiffLine
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		out = append(out, DiffLine{"=", a[p]})
		p++
	}
	sa, sb := len(a), len(b)
	for sa > p && sb > p && a[sa-1] == b[sb-1] {
		sa, sb = sa-1, sb-1
	}
	ma, mb := a[p:sa], b[p:sb]
	n, m := len(ma), len(mb)
	if n*m > maxDiffCells {
		for _, l := range ma {
			out = append(out, DiffLine{"-", l})
		}
		for _, l := range mb {
			out = append(out, DiffLine{"+", l})
		}
	} else {
		// lcs[i][j] is the length of an LCS of ma[i:] and mb[j:].
		lcs := make([][]int32, n+1)
		for i := range lcs {
			lcs[i] = make([]int32, m+1)
		}
		for i := n - 1; i >= 0; i-- {
			for j := m - 1; j >= 0; j-- {
				if ma[i] == mb[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < n || j < m {
			switch {
			case i < n && j < m && ma[i] == mb[j]:
				out = append(out, DiffLine{"=", ma[i]})
				i, j = i+1, j+1
			case j < m && (i == n || lcs[i][j+1] >= lcs[i+1][j]):
				// Removed lines come before added ones where both fit.
				if i < n && lcs[i+1][j] == lcs[i][j+1] {
					out = append(out, DiffLine{"-", ma[i]})
					i++
				} else {
					out = append(out, DiffLine{"+", mb[j]})
					j++
				}
			default:
				out = append(out, DiffLine{"-", ma[i]})
				i++
			}
		}
	}
	for k := sa; k < len(a); k++ {
		out = append(out, DiffLine{"=", a[k]})
	}
	return out
}

// Zone is the time zone dates are shown and periods counted in.
var Zone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Ho_Chi_Minh"); err == nil {
		return loc
	}
	return time.FixedZone("ICT", 7*3600) // Viet Nam has kept UTC+7 without summer time since 1975
}()
