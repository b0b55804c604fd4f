package backoffice

import (
	"fmt"
	"net/http"
	"strings"
)

// The editor's tables of rows (officials, a legal document's relations, a
// work schedule's entries) work without JavaScript: the form offers a few
// blank rows, and a "more rows" button (op=rows) shows the form again with
// more, storing nothing. Inputs are named <table>_<row>_<column>; a row
// left wholly blank is dropped, so rows are renumbered when the form comes
// back, and the hub's errors (entries[3].time) name the rows as shown.

type officialForm struct {
	Name, Position, PositionEN, PositionRU, Phone, Fax, Email, Unit, UnitEN, UnitRU string
}

type relationForm struct {
	// Type is the contract's enum name (LEGAL_RELATION_TYPE_REPLACES, ...).
	Type string
	// Target is "content-id" for an item of this sub-portal, or
	// "tenant/content-id" for another tenant's.
	Target string
	Number string
}

type entryForm struct {
	Date, Time, Leader, Activity, Location, Participants string
}

// A table's inputs, in the order of its struct's fields.
var (
	officialColumns = []string{"name", "position", "position_en", "position_ru", "phone", "fax", "email", "unit", "unit_en", "unit_ru"}
	relationColumns = []string{"type", "target", "number"}
	entryColumns    = []string{"date", "time", "leader", "activity", "location", "participants"}
)

// Blank rows offered below the filled ones, and added by "more rows".
const (
	blankOfficialRows = 3
	blankRelationRows = 2
	blankEntryRows    = 5
	moreRows          = 5
	// maxFormRows bounds the rows read from a form (the hub's largest list
	// is 200).
	maxFormRows = 400
)

// formRows reads the rows of table table: for each row i, the values of
// <table>_<i>_<column> (trimmed), until a row with none of its inputs in
// the form. Rows wholly blank are dropped.
func formRows(r *http.Request, table string, columns []string) [][]string {
	var out [][]string
	for i := range maxFormRows {
		row := make([]string, len(columns))
		posted, blank := false, true
		for j, c := range columns {
			name := fmt.Sprintf("%s_%d_%s", table, i, c)
			if _, ok := r.PostForm[name]; ok {
				posted = true
			}
			row[j] = strings.TrimSpace(r.PostFormValue(name))
			blank = blank && row[j] == ""
		}
		if !posted {
			break
		}
		if !blank {
			out = append(out, row)
		}
	}
	return out
}

func parseRows(r *http.Request, f *editorForm) {
	for _, c := range formRows(r, "official", officialColumns) {
		f.Officials = append(f.Officials, officialForm{Name: c[0], Position: c[1], PositionEN: c[2], PositionRU: c[3],
			Phone: c[4], Fax: c[5], Email: c[6], Unit: c[7], UnitEN: c[8], UnitRU: c[9]})
	}
	for _, c := range formRows(r, "rel", relationColumns) {
		f.Relations = append(f.Relations, relationForm{Type: c[0], Target: c[1], Number: c[2]})
	}
	for _, c := range formRows(r, "sch", entryColumns) {
		f.Entries = append(f.Entries, entryForm{Date: c[0], Time: c[1], Leader: c[2], Activity: c[3], Location: c[4], Participants: c[5]})
	}
}

// padRows adds the blank rows of the form's kind (and extra more, after
// "more rows"), once.
func (f *editorForm) padRows(extra int) {
	if f.padded {
		return
	}
	f.padded = true
	switch f.Kind {
	case "organisation":
		f.Officials = append(f.Officials, make([]officialForm, blankOfficialRows+extra)...)
	case "legal":
		f.Relations = append(f.Relations, make([]relationForm, blankRelationRows+extra)...)
	case "schedule":
		f.Entries = append(f.Entries, make([]entryForm, blankEntryRows+extra)...)
	}
}
