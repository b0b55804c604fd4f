package backoffice

import (
	"net/http"
	"sort"
	"strconv"

	"github.com/portalhub/portalhub/tenants/internal/editorial"
)

type revisionsView struct {
	ContentID  string
	Title      string
	Revisions  []editorial.Revision
	From, To   int64
	View       string // "unified" or "split"
	Diff       []fieldDiffView
	Compared   bool
	CanRestore map[int64]bool
}

type fieldDiffView struct {
	Field string
	Lines []editorial.DiffLine
	Rows  []splitRow
}

// splitRow is one row of the side-by-side view: the older line on the
// left, the newer on the right.
type splitRow struct {
	Left, Right     string
	LeftOp, RightOp string
}

func split(lines []editorial.DiffLine) []splitRow {
	var rows []splitRow
	var dels, inss []string
	flush := func() {
		for i := 0; i < max(len(dels), len(inss)); i++ {
			var row splitRow
			if i < len(dels) {
				row.Left, row.LeftOp = dels[i], "-"
			}
			if i < len(inss) {
				row.Right, row.RightOp = inss[i], "+"
			}
			rows = append(rows, row)
		}
		dels, inss = nil, nil
	}
	for _, ln := range lines {
		switch ln.Op {
		case "-":
			dels = append(dels, ln.Text)
		case "+":
			inss = append(inss, ln.Text)
		default:
			flush()
			rows = append(rows, splitRow{Left: ln.Text, Right: ln.Text, LeftOp: "=", RightOp: "="})
		}
	}
	flush()
	return rows
}

func (s *Server) revisionsPage(w http.ResponseWriter, r *http.Request) error {
	l := s.loc(r)
	id := r.PathValue("id")
	revs, err := s.cfg.Editorial.Revisions(r.Context(), id)
	if err != nil {
		return err
	}
	if len(revs) == 0 {
		return errNotFound
	}
	sort.SliceStable(revs, func(i, j int) bool { return revs[i].Number > revs[j].Number })
	v := revisionsView{ContentID: id, Title: revs[0].Change.Texts["vi"].Title, Revisions: revs, View: "unified", CanRestore: map[int64]bool{}}
	if r.URL.Query().Get("view") == "split" {
		v.View = "split"
	}
	actor := current(r).Account
	for _, rev := range revs {
		if _, err := editorial.Decide(actor, rev, editorial.ActionRestore, s.cfg.Board); err == nil {
			v.CanRestore[rev.ID] = true
		}
	}
	q := r.URL.Query()
	v.From, _ = strconv.ParseInt(q.Get("from"), 10, 64)
	v.To, _ = strconv.ParseInt(q.Get("to"), 10, 64)
	if v.From == 0 && v.To == 0 && len(revs) > 1 {
		v.From, v.To = revs[1].ID, revs[0].ID
	}
	fe := &FormErrors{}
	if v.From != 0 && v.To != 0 {
		if !hasRev(revs, v.From) || !hasRev(revs, v.To) {
			fe.Add("from", l.T("revisions.not_of_item"))
		} else {
			diffs, err := s.cfg.Editorial.Diff(r.Context(), v.From, v.To)
			if err != nil {
				return err
			}
			v.Compared = true
			for _, d := range diffs {
				v.Diff = append(v.Diff, fieldDiffView{Field: d.Field, Lines: d.Lines, Rows: split(d.Lines)})
			}
		}
	}
	status := http.StatusOK
	if fe.Any() {
		status = http.StatusBadRequest
	}
	return s.render(w, r, status, "revisions", &Page{Title: l.T("revisions.title", v.Title), Data: v, Wide: true, Errors: fe})
}

func hasRev(revs []editorial.Revision, id int64) bool {
	for _, r := range revs {
		if r.ID == id {
			return true
		}
	}
	return false
}
