package demo

import (
	"testing"
	"time"

	portalhubv1 "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// The day the demonstration's validity states are computed for.
var validityDay = time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)

type ref struct{ tenant, id string }

// allItems returns every demo item by tenant and content id.
func allItems(t *testing.T) map[ref]*portalhubv1.ContentItem {
	t.Helper()
	ts, err := Tenants()
	if err != nil {
		t.Fatal(err)
	}
	all := map[ref]*portalhubv1.ContentItem{}
	for _, tn := range ts {
		items, err := Items(tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range items {
			all[ref{tn.ID, it.GetContentId()}] = it
		}
	}
	return all
}

// Relations and parent units name demo items of the right kind, so that
// the portal shows them as links both ways.
func TestReferences(t *testing.T) {
	all := allItems(t)
	crossTenant := 0
	for r, it := range all {
		for _, rel := range it.GetLegalDocument().GetRelations() {
			tg := rel.GetTarget()
			if tg == nil {
				continue
			}
			if all[ref{tg.GetTenant(), tg.GetContentId()}].GetLegalDocument() == nil {
				t.Errorf("%s/%s: relation to %s/%s, not a demo legal document", r.tenant, r.id, tg.GetTenant(), tg.GetContentId())
			}
			if tg.GetTenant() != r.tenant {
				crossTenant++
			}
		}
		if p := it.GetOrganisationUnit().GetParent(); p != nil {
			if all[ref{p.GetTenant(), p.GetContentId()}].GetOrganisationUnit() == nil {
				t.Errorf("%s/%s: parent %s/%s is not a demo organisation unit", r.tenant, r.id, p.GetTenant(), p.GetContentId())
			}
			if p.GetTenant() != r.tenant {
				crossTenant++
			}
		}
	}
	if crossTenant < 2 {
		t.Errorf("%d references across sub-portals, want at least 2", crossTenant)
	}
}

// validity is a document's validity on day, as the hub computes it
// (legal_validity, hub migration 00010): expired once it expires or a
// document in effect replaces it, not yet in force before it takes effect,
// partly in force once a document in effect replaces part of it.
func validity(all map[ref]*portalhubv1.ContentItem, r ref, day time.Time) portalhubv1.LegalValidity {
	d := all[r].GetLegalDocument()
	date := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	from := date(d.GetEffectiveOn())
	if from.IsZero() {
		from = date(d.GetIssuedOn())
	}
	replaced, partly := false, false
	for _, other := range all {
		od := other.GetLegalDocument()
		ofrom := date(od.GetEffectiveOn())
		if od == nil || ofrom.After(day) {
			continue
		}
		for _, rel := range od.GetRelations() {
			if rel.GetTarget().GetTenant() != r.tenant || rel.GetTarget().GetContentId() != r.id {
				continue
			}
			switch rel.GetType() {
			case portalhubv1.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES:
				replaced = true
			case portalhubv1.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES_PART:
				partly = true
			}
		}
	}
	exp := date(d.GetExpiresOn())
	switch {
	case !exp.IsZero() && !exp.After(day) || replaced:
		return portalhubv1.LegalValidity_LEGAL_VALIDITY_EXPIRED
	case from.After(day):
		return portalhubv1.LegalValidity_LEGAL_VALIDITY_NOT_YET_IN_FORCE
	case partly:
		return portalhubv1.LegalValidity_LEGAL_VALIDITY_PARTLY_IN_FORCE
	}
	return portalhubv1.LegalValidity_LEGAL_VALIDITY_IN_FORCE
}

// Every filter of the legal register has at least two values among the
// demo documents, each validity state included (on 30 November 2026), in
// the provincial register and in each sub-portal's (there each validity
// state at least once), and every issuer code is one of the hub's code
// list.
func TestLegalRegisterCoverage(t *testing.T) {
	all := allItems(t)
	codes := map[string]bool{}
	for _, is := range storetest.HubIssuers(t) {
		codes[is.Code] = true
	}
	values := map[string]map[string]bool{}
	add := func(filter, v string) {
		if values[filter] == nil {
			values[filter] = map[string]bool{}
		}
		values[filter][v] = true
	}
	states := map[portalhubv1.LegalValidity]int{}
	tenants := map[string]bool{}
	// Each sub-portal's own register too.
	byTenant := map[string]map[string]map[string]bool{}
	addTo := func(tenant, filter, v string) {
		if byTenant[tenant] == nil {
			byTenant[tenant] = map[string]map[string]bool{}
		}
		if byTenant[tenant][filter] == nil {
			byTenant[tenant][filter] = map[string]bool{}
		}
		byTenant[tenant][filter][v] = true
	}
	for r, it := range all {
		d := it.GetLegalDocument()
		if d == nil || d.GetConsultation() != nil {
			continue // drafts out for comment are not in the register
		}
		tenants[r.tenant] = true
		if !codes[d.GetIssuerCode()] {
			t.Errorf("%s/%s: issuer code %q is not in the hub's list", r.tenant, r.id, d.GetIssuerCode())
		}
		add("type", d.GetDocumentType())
		add("issuer", d.GetIssuerCode())
		add("field", d.GetField())
		add("signer", d.GetSigner())
		add("year", d.GetIssuedOn()[:4])
		v := validity(all, r, validityDay)
		states[v]++
		for f, val := range map[string]string{"type": d.GetDocumentType(), "issuer": d.GetIssuerCode(), "field": d.GetField(),
			"signer": d.GetSigner(), "year": d.GetIssuedOn()[:4], "validity": v.String()} {
			addTo(r.tenant, f, val)
		}
		// The deprecated pushed value says the same, for old clients.
		if d.GetValidity() != v {
			t.Errorf("%s/%s: validity %v, but on %s it is %v", r.tenant, r.id, d.GetValidity(), validityDay.Format(time.DateOnly), v)
		}
	}
	for _, f := range []string{"type", "issuer", "field", "signer", "year"} {
		if len(values[f]) < 2 {
			t.Errorf("legal filter %s has %d values, want at least 2: %v", f, len(values[f]), values[f])
		}
	}
	for v := portalhubv1.LegalValidity_LEGAL_VALIDITY_IN_FORCE; v <= portalhubv1.LegalValidity_LEGAL_VALIDITY_EXPIRED; v++ {
		if states[v] < 2 {
			t.Errorf("%d documents %v on %s, want at least 2", states[v], v, validityDay.Format(time.DateOnly))
		}
	}
	if len(tenants) != 4 {
		t.Errorf("legal documents in %d sub-portals, want all 4", len(tenants))
	}
	for tenant, filters := range byTenant {
		for _, f := range []string{"type", "issuer", "field", "signer", "year"} {
			if len(filters[f]) < 2 {
				t.Errorf("%s: legal filter %s has %d values, want at least 2", tenant, f, len(filters[f]))
			}
		}
		if len(filters["validity"]) != 4 {
			t.Errorf("%s: validity states %v on %s, want all four", tenant, filters["validity"], validityDay.Format(time.DateOnly))
		}
	}
}

// Every sub-portal has content of every kind and every section where a
// real one would: the typed kinds, news, highlights, leadership, law and
// policy, a standing page, the leadership's schedule for the week of 30
// November 2026 and the next, and open and closed notices on that day.
func TestSubPortalCoverage(t *testing.T) {
	ts, err := Tenants()
	if err != nil {
		t.Fatal(err)
	}
	day := validityDay.Add(12 * time.Hour)
	for _, tn := range ts {
		items, err := Items(tn.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[portalhubv1.ContentKind]int{}
		sections := map[string]bool{}
		weeks := map[string]bool{}
		open, closed := 0, 0
		for _, it := range items {
			kinds[it.GetKind()]++
			switch it.GetKind() {
			case portalhubv1.ContentKind_CONTENT_KIND_ARTICLE:
				sections[it.GetCategory()] = true
			case portalhubv1.ContentKind_CONTENT_KIND_PAGE:
				sections["page:"+it.GetCategory()] = true
			}
			weeks[it.GetWorkSchedule().GetWeekOf()] = true
			if n := it.GetProcurementNotice(); n != nil {
				if n.GetClosesAt().AsTime().After(day) {
					open++
				} else {
					closed++
				}
			}
		}
		for k := portalhubv1.ContentKind_CONTENT_KIND_ARTICLE; k <= portalhubv1.ContentKind_CONTENT_KIND_QUESTION_ANSWER; k++ {
			if kinds[k] == 0 {
				t.Errorf("%s: no %v", tn.ID, k)
			}
		}
		for _, c := range []string{"news", "highlights", "leadership", "policy"} {
			if !sections[c] {
				t.Errorf("%s: no article in %s", tn.ID, c)
			}
		}
		if !sections["page:introduction"] && !sections["page:investment"] && !sections["page:tourism"] {
			t.Errorf("%s: no introduction, investment or tourism page", tn.ID)
		}
		for _, w := range []string{"2026-11-30", "2026-12-07"} {
			if !weeks[w] {
				t.Errorf("%s: no work schedule for the week of %s", tn.ID, w)
			}
		}
		if open == 0 || closed == 0 {
			t.Errorf("%s: %d open and %d closed notices on %s, want both", tn.ID, open, closed, validityDay.Format(time.DateOnly))
		}
	}
}
