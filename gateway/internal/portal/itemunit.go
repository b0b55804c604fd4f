package portal

import (
	"context"
	"strings"

	"github.com/portalhub/portalhub/gateway/internal/i18n"
	"github.com/portalhub/portalhub/gateway/internal/pagecache"
	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

// An organisation unit's page (Article 8.3, Decree 42/2022): its functions
// and duties (the body), its contacts (the details table), its organisation
// chart, its officials, and where it sits in the organisation: its parent
// unit and its child units, which may be other sub-portals' items.

// unitView is what a unit's page shows beyond the details table.
type unitView struct {
	Chart     *unitChart
	Officials []officialView
	Parent    *unitLink
	Children  []unitLink
}

// unitChart is the organisation chart: an image shown with its text
// alternative, or a file (a PDF) linked.
type unitChart struct {
	Href, Alt, Name, MediaType string
	Image                      bool
}

// unitLink is a unit of the tree, linked.
type unitLink struct {
	Name, Href string
	Lang       string // "vi" when the name is the Vietnamese fallback
}

// officialView is an official of the unit; PositionLang and UnitLang are
// "vi" when the page shows the Vietnamese text on another language's page.
type officialView struct {
	Name, Position, PositionLang, Unit, UnitLang, Phone, Fax, Email string
}

// unitDetails adds the unit's contacts to the details table.
func unitDetails(v *itemView, lang string, d *pb.OrganisationUnit, add detailAdder) {
	address, addressLang := d.GetAddress(), i18n.Default
	switch {
	case lang == "en" && d.GetAddressEn() != "":
		address, addressLang = d.GetAddressEn(), ""
	case lang == "ru" && d.GetAddressRu() != "":
		address, addressLang = d.GetAddressRu(), ""
	case lang == i18n.Default:
		addressLang = ""
	}
	add.text("contact.address", address, addressLang)
	add.text("contact.phone", d.GetPhone(), "")
	add.text("contact.fax", d.GetFax(), "")
	add.mail("contact.email", d.GetEmail())
	add.link("contact.website", d.GetWebsite())
}

// unitPage fills the unit's chart, officials and family (one query: its
// parent and children). Its family are other items, of any tenant: the
// page depends on every content event.
func (s *Server) unitPage(ctx context.Context, v *itemView, lang string, it *hubread.Item, d *pb.OrganisationUnit) ([]pagecache.Tag, error) {
	u := &unitView{}
	name := v.Heading
	for _, a := range it.Doc.GetAttachments() {
		if d.GetChartSha256() == "" || a.GetSha256() != d.GetChartSha256() {
			continue
		}
		alt := a.GetTitle()
		if alt == "" {
			alt = v.L.T("unit.chart_alt", "Unit", name)
		}
		u.Chart = &unitChart{Href: "/files/" + it.Tenant + "/" + it.ContentID + "/" + a.GetSha256(), Alt: alt,
			Name: a.GetFilename(), MediaType: a.GetMediaType(), Image: strings.HasPrefix(a.GetMediaType(), "image/")}
	}
	for _, o := range d.GetOfficials() {
		ov := officialView{Name: o.GetName(), Phone: o.GetPhone(), Fax: o.GetFax(), Email: o.GetEmail()}
		ov.Position, ov.PositionLang = localized(lang, o.GetPosition(), o.GetPositionEn(), o.GetPositionRu())
		ov.Unit, ov.UnitLang = localized(lang, o.GetUnit(), o.GetUnitEn(), o.GetUnitRu())
		u.Officials = append(u.Officials, ov)
	}
	ref := d.GetParent()
	fam, err := s.cfg.Store.OrgFamilyOf(ctx, it.Tenant, it.ContentID, ref.GetTenant(), ref.GetContentId())
	if err != nil {
		return nil, err
	}
	if fam.Parent != nil {
		p := unitLinkOf(lang, *fam.Parent)
		u.Parent = &p
	}
	for _, c := range fam.Children {
		u.Children = append(u.Children, unitLinkOf(lang, c))
	}
	v.Unit = u
	return []pagecache.Tag{pagecache.AnyContent}, nil
}

func unitLinkOf(lang string, u hubread.OrgUnit) unitLink {
	text, fallback := u.In(lang)
	l := unitLink{Name: text.Title, Href: "/" + lang + "/" + u.Tenant + "/" + text.Slug}
	if fallback {
		l.Lang = i18n.Default
	}
	return l
}

// localized picks a text's version in lang (vi, en, ru), and says "vi"
// when it shows the Vietnamese one on another language's page.
func localized(lang, vi, en, ru string) (string, string) {
	switch {
	case lang == "en" && en != "":
		return en, ""
	case lang == "ru" && ru != "":
		return ru, ""
	case lang == i18n.Default || vi == "":
		return vi, ""
	}
	return vi, i18n.Default
}
