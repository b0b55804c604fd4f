package backoffice

import (
	"slices"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// categoryOption is one entry of the editor's category selector.
type categoryOption struct {
	Code, Name string
}

// categoryChoices returns, from the hub's category list, the categories
// that admit kind, named in lang (in Vietnamese where the hub has no name in
// lang), in the hub's order. current, when it is not among them (a category
// the hub dropped, or one that does not admit kind), comes first under its
// code, so the form shows what the item holds and the check says why it is
// refused.
func categoryChoices(list []*pb.Category, kind pb.ContentKind, lang, current string) []categoryOption {
	var out []categoryOption
	found := current == ""
	for _, c := range list {
		if !slices.Contains(c.GetKinds(), kind) {
			continue
		}
		name := c.GetNames()[lang]
		if name == "" {
			name = c.GetNames()["vi"]
		}
		out = append(out, categoryOption{Code: c.GetCode(), Name: name})
		found = found || c.GetCode() == current
	}
	if !found {
		out = append([]categoryOption{{Code: current, Name: current}}, out...)
	}
	return out
}

// defaultCategory is the category a new item of kind starts in: the first
// whose main kind (the first it admits) is kind, else the first that admits
// kind, else none.
func defaultCategory(list []*pb.Category, kind pb.ContentKind) string {
	first := ""
	for _, c := range list {
		switch {
		case len(c.GetKinds()) > 0 && c.GetKinds()[0] == kind:
			return c.GetCode()
		case first == "" && slices.Contains(c.GetKinds(), kind):
			first = c.GetCode()
		}
	}
	return first
}
