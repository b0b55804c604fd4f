package backoffice

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/tenants/internal/errs"
)

// checkReferences checks what the form names outside itself, which the
// hub's rules cannot see: a dataset's chart against its CSV's header (the
// file uploaded now, else the one the item has), and the items of this
// sub-portal a legal document's relations or a unit's parent name (they
// must exist, be of the right kind, and not be the item itself). Another
// tenant's items are the hub's to resolve.
func (s *Server) checkReferences(r *http.Request, l *Localizer, f *editorForm, uploads []upload, fe *FormErrors) error {
	ctx := r.Context()
	switch f.Kind {
	case "dataset":
		return s.checkChart(ctx, l, f, uploads, fe)
	case "legal":
		for i, rel := range f.Relations {
			if err := s.checkOwnItem(ctx, l, f, rel.Target, fmt.Sprintf("rel_%d_target", i), "LEGAL_DOCUMENT", fe); err != nil {
				return err
			}
		}
	case "organisation":
		return s.checkOwnItem(ctx, l, f, f.OrgParent, "org_parent", "ORGANISATION_UNIT", fe)
	}
	return nil
}

func (s *Server) checkChart(ctx context.Context, l *Localizer, f *editorForm, uploads []upload, fe *FormErrors) error {
	if f.ChartLabel == "" && f.ChartValues == "" {
		return nil
	}
	var head []byte
	for _, u := range uploads {
		if u.Field == "data_file" {
			head = u.Data[:min(len(u.Data), contentrules.CSVHeaderPrefix)]
		}
	}
	if head == nil && f.DataSHA256 != "" {
		var err error
		if head, err = s.cfg.Store.FileHead(ctx, f.DataSHA256); err != nil && errs.KindOf(err) != errs.NotFound {
			return err
		}
	}
	if head == nil {
		return nil // no data file yet: the hub's rules say so
	}
	ds, _ := f.details().(*pb.Dataset)
	for _, v := range contentrules.CheckChartColumns(ds, head) {
		msg := v.MessageVI
		if l.Lang == "en" {
			msg = v.Description
		}
		fe.AddRule(inputID(strings.TrimPrefix(v.Field, "item.")), v.Reason, msg)
	}
	return nil
}

// checkOwnItem checks a reference typed in input id when it names an item
// of this sub-portal: it must be an approved item of kind (as the store
// spells kinds), other than the one being edited.
func (s *Server) checkOwnItem(ctx context.Context, l *Localizer, f *editorForm, typed, id, kind string, fe *FormErrors) error {
	ref := parseRef(typed, f.Tenant)
	if ref == nil || ref.GetTenant() != f.Tenant || !contentrules.ValidContentID(ref.GetContentId()) {
		return nil // nothing, another tenant's, or malformed (the hub's rules say so)
	}
	add := func(msg string) {
		if row := rowLabel(l, id); row != "" {
			msg = row + ": " + msg
		}
		fe.Add(id, msg)
	}
	if ref.GetContentId() == f.ContentID {
		add(l.T("ref.self"))
		return nil
	}
	it, err := s.cfg.Store.Get(ctx, ref.GetContentId())
	switch {
	case errs.KindOf(err) == errs.NotFound:
		add(l.T("ref.unknown."+kind, ref.GetContentId()))
	case err != nil:
		return err
	case it.Kind != kind:
		add(l.T("ref.kind."+kind, ref.GetContentId()))
	}
	return nil
}

// chartMedia reports whether a file can be an organisation chart: an
// image or a PDF.
func chartMedia(mediaType string) bool {
	return strings.HasPrefix(mediaType, "image/") || mediaType == "application/pdf"
}

// nextMonday is the Monday of the week after t's (Asia/Ho_Chi_Minh), the
// week a schedule is usually written for.
func nextMonday(t time.Time) time.Time {
	d := t.In(vnZone)
	days := (8 - int(d.Weekday())) % 7
	if days == 0 {
		days = 7
	}
	return time.Date(d.Year(), d.Month(), d.Day()+days, 0, 0, 0, 0, vnZone)
}
