package portal

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/feedbackrules"
	"github.com/portalhub/portalhub/services/hubread"
)

// Consultations on drafts (issue 9 point 8, lấy ý kiến dự thảo): a draft's
// page says when it takes comments and links the comment form while it
// does (/{lang}/feedback?consultation=<tenant>/<content id>), then the
// summary of the comments and the agency's response once the agency
// published it; an adopted document's page links the draft it was
// consulted on and that summary. The page expires when the consultation
// opens and when it closes.

// consultationView is a consultation as a draft's or an adopted document's
// page shows it.
type consultationView struct {
	// Draft is set on an adopted document's page: the draft's link.
	Draft                              *linkView
	Opens, Closes, OpensISO, ClosesISO string
	State                              string // upcoming, open, closed
	CommentHref                        string // while open
	Report                             *linkView
}

// linkView is a link to another item, its title in the page's language or
// in Vietnamese (Lang "vi").
type linkView struct {
	Href, Title, Lang string
}

// consultationState says where a consultation from opens to closes stands
// at now: upcoming, open or closed.
func consultationState(opens, closes, now time.Time) string {
	switch {
	case feedbackrules.ConsultationOpen(opens, closes, now):
		return "open"
	case now.Before(time.Date(opens.Year(), opens.Month(), opens.Day(), 0, 0, 0, 0, hcmc)):
		return "upcoming"
	}
	return "closed"
}

// consultationDays reads a consultation's days; ok is false when either is
// missing or malformed (the hub refuses such a push).
func consultationDays(c *pb.Consultation) (opens, closes time.Time, ok bool) {
	o, err1 := time.Parse(time.DateOnly, c.GetOpensOn())
	cl, err2 := time.Parse(time.DateOnly, c.GetClosesOn())
	return o, cl, err1 == nil && err2 == nil
}

// consultationItem fills the consultation part of a legal document's page:
// its own consultation when it is a draft, its draft's when it names one.
// It returns when the page stops being true (zero: not by itself) and the
// tag of the summary it names, whose publication changes the page.
func (s *Server) consultationItem(ctx context.Context, v *itemView, it *hubread.Item, ld *pb.LegalDocument) (time.Time, []pagecache.Tag, error) {
	lang, l := v.Lang, v.L
	now := s.now()
	day := func(t time.Time) string { return t.Format(l.T("format.date")) }
	cv := &consultationView{}
	cons, tenant, id := ld.GetConsultation(), it.Tenant, it.ContentID
	if cons == nil {
		ref := ld.GetDraft()
		if ref == nil {
			return time.Time{}, nil, nil
		}
		draft, err := s.visibleItem(ctx, ref.GetTenant(), ref.GetContentId())
		if draft == nil || err != nil {
			return time.Time{}, nil, err
		}
		cv.Draft = itemLink(lang, draft)
		cons, tenant, id = draft.Doc.GetLegalDocument().GetConsultation(), draft.Tenant, draft.ContentID
	}
	var expires time.Time
	if opens, closes, ok := consultationDays(cons); ok {
		cv.Opens, cv.Closes = day(opens), day(closes)
		cv.OpensISO, cv.ClosesISO = opens.Format(time.DateOnly), closes.Format(time.DateOnly)
		cv.State = consultationState(opens, closes, now)
		switch cv.State {
		case "upcoming":
			expires = time.Date(opens.Year(), opens.Month(), opens.Day(), 0, 0, 0, 0, hcmc)
		case "open":
			expires = time.Date(closes.Year(), closes.Month(), closes.Day()+1, 0, 0, 0, 0, hcmc)
			if cv.Draft == nil {
				cv.CommentHref = "/" + lang + "/feedback?consultation=" + url.QueryEscape(tenant+"/"+id)
			}
		}
	}
	var tags []pagecache.Tag
	if rid := cons.GetReportContentId(); rid != "" {
		// The summary may be named before it is published.
		tags = append(tags, pagecache.ItemTag(tenant, rid))
		report, err := s.visibleItem(ctx, tenant, rid)
		if err != nil {
			return time.Time{}, nil, err
		}
		if report != nil {
			cv.Report = itemLink(lang, report)
		}
	}
	if v.Legal == nil {
		v.Legal = &legalItemView{}
	}
	v.Legal.Consultation = cv
	return expires, tags, nil
}

// visibleItem returns tenant's item id when the public may see it, nil when
// there is none or it may not.
func (s *Server) visibleItem(ctx context.Context, tenant, id string) (*hubread.Item, error) {
	it, err := s.cfg.Store.ItemByID(ctx, tenant, id)
	if errors.Is(err, hubread.ErrNotFound) || err == nil && !it.Visible() {
		return nil, nil
	}
	return it, err
}

// itemLink is the link to it on a page in lang.
func itemLink(lang string, it *hubread.Item) *linkView {
	tr, fallback := it.Translation(lang)
	lv := &linkView{Href: itemPath(lang, it.Tenant, tr.GetSlug()), Title: tr.GetTitle()}
	if fallback {
		lv.Lang = i18n.Default
	}
	return lv
}

// earliest is the earlier of two expiry times, zero meaning never.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}
