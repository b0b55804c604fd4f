package backoffice

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/portalhub/portalhub/tenants/internal/editorial"
)

type revisionsView struct {
	ContentID string
	Title     string
	Revisions []editorial.Revision
	// Snapshots are each revision's saved versions, newest first, for the
	// revisions saved more than once. From and To are a revision id, or
	// "s" and a snapshot id.
	Snapshots  map[int64][]editorial.Snapshot
	From, To   string
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
	snaps, err := s.cfg.Editorial.ItemSnapshots(r.Context(), id)
	if err != nil {
		return err
	}
	byRev := map[int64][]editorial.Snapshot{}
	for _, sn := range snaps {
		byRev[sn.RevisionID] = append(byRev[sn.RevisionID], sn)
	}
	v.Snapshots = map[int64][]editorial.Snapshot{}
	for rid, list := range byRev {
		if len(list) > 1 {
			v.Snapshots[rid] = list
		}
	}
	q := r.URL.Query()
	v.From, v.To = q.Get("from"), q.Get("to")
	if v.From == "" && v.To == "" && len(revs) > 1 {
		v.From, v.To = itoa(revs[1].ID), itoa(revs[0].ID)
	}
	fe := &FormErrors{}
	if v.From != "" && v.To != "" {
		from, okFrom := changeOf(revs, snaps, v.From)
		to, okTo := changeOf(revs, snaps, v.To)
		if !okFrom || !okTo {
			fe.Add("from", l.T("revisions.not_of_item"))
		} else {
			diffs := editorial.DiffChanges(from, to)
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

// changeOf is the content ref names among the item's revisions and saved
// versions: a revision id, or "s" and a snapshot id.
func changeOf(revs []editorial.Revision, snaps []editorial.Snapshot, ref string) (editorial.Change, bool) {
	if rest, ok := strings.CutPrefix(ref, "s"); ok {
		id, err := strconv.ParseInt(rest, 10, 64)
		for _, sn := range snaps {
			if err == nil && sn.ID == id {
				return sn.Change, true
			}
		}
		return editorial.Change{}, false
	}
	id, err := strconv.ParseInt(ref, 10, 64)
	for _, r := range revs {
		if err == nil && r.ID == id {
			return r.Change, true
		}
	}
	return editorial.Change{}, false
}
