package editorial

import "github.com/portalhub/portalhub/services/vnenc"

// textCheck is what editorial uses of vnenc.Check's answer.
type textCheck struct {
	Text      string
	Encoding  string
	Converted bool
	Broken    bool
	Reason    string
	ReasonVI  string
	Changes   []TextChange
}

// checkVietnamese detects and converts legacy Vietnamese encodings in s
// (Art. 7.6).
func checkVietnamese(s string) textCheck {
	r := vnenc.Check(s)
	out := textCheck{Text: r.Text, Encoding: r.Encoding, Converted: r.Converted, Broken: r.Broken, Reason: r.Reason, ReasonVI: r.ReasonVI}
	for _, c := range r.Changes {
		out.Changes = append(out.Changes, TextChange{Before: c.Before, After: c.After})
	}
	return out
}
