package hubread_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/hubread"
)

// legalDoc builds a published legal document; its slug is its id.
func legalDoc(id, title string, d *pb.LegalDocument) *pb.ContentItem {
	it := item(id, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), tr("vi", id, title))
	it.Kind, it.Category = pb.ContentKind_CONTENT_KIND_LEGAL_DOCUMENT, "legal"
	if d.Number == "" {
		d.Number = id
	}
	if d.DocumentType == "" {
		d.DocumentType = "Quyết định"
	}
	if d.Issuer == "" {
		d.Issuer = "UBND tỉnh Khánh Hòa"
	}
	it.Details = &pb.ContentItem_LegalDocument{LegalDocument: d}
	return it
}

func rel(typ pb.LegalRelationType, tenant, id string) *pb.LegalRelation {
	return &pb.LegalRelation{Type: typ, Target: &pb.ContentRef{Tenant: tenant, ContentId: id}}
}

const (
	replaces     = pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES
	replacesPart = pb.LegalRelationType_LEGAL_RELATION_TYPE_REPLACES_PART
	amends       = pb.LegalRelationType_LEGAL_RELATION_TYPE_AMENDS
)

// legalSetup is setup with the tenants of the legal fixtures.
func legalSetup(t *testing.T) (*pgxpool.Pool, *hubread.Store) {
	t.Helper()
	db, store := setup(t)
	exec(t, db, `INSERT INTO tenants (id, kind, name_vi) VALUES ('vp', 'province', 'Văn phòng UBND tỉnh'),
		('sotp', 'department', 'Sở Tư pháp'), ('sokhcn', 'department', 'Sở Khoa học và Công nghệ')`)
	return db, store
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// TestLegalValidity computes every validity from the dates and the
// relations, on the days a test clock gives, never from the pushed field.
func TestLegalValidity(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	put := func(tenant, state string, it *pb.ContentItem) { t.Helper(); putItem(t, db, tenant, state, it) }

	// The pushed validity says expired: it is ignored.
	put("vp", "published", legalDoc("in-force", "Còn hiệu lực", &pb.LegalDocument{IssuedOn: "2025-01-01", EffectiveOn: "2025-01-15",
		Validity: pb.LegalValidity_LEGAL_VALIDITY_EXPIRED}))
	put("vp", "published", legalDoc("no-dates", "Không ghi ngày", &pb.LegalDocument{}))
	put("vp", "published", legalDoc("future", "Chưa có hiệu lực", &pb.LegalDocument{IssuedOn: "2026-06-01", EffectiveOn: "2026-07-01"}))
	put("vp", "published", legalDoc("issued-later", "Ban hành sau", &pb.LegalDocument{IssuedOn: "2026-07-01"}))
	put("vp", "published", legalDoc("expires", "Hết hạn", &pb.LegalDocument{IssuedOn: "2025-01-01", ExpiresOn: "2026-06-15"}))
	put("vp", "published", legalDoc("replaced", "Bị thay thế", &pb.LegalDocument{IssuedOn: "2020-01-01"}))
	put("sotp", "published", legalDoc("replacer", "Thay thế", &pb.LegalDocument{IssuedOn: "2026-05-20", EffectiveOn: "2026-06-01",
		Relations: []*pb.LegalRelation{rel(replaces, "vp", "replaced")}}))
	put("vp", "published", legalDoc("replaced-later", "Sẽ bị thay thế", &pb.LegalDocument{IssuedOn: "2020-01-01"}))
	put("vp", "published", legalDoc("late-replacer", "Thay thế sau", &pb.LegalDocument{IssuedOn: "2026-06-10", EffectiveOn: "2026-07-01",
		Relations: []*pb.LegalRelation{rel(replaces, "vp", "replaced-later")}}))
	put("vp", "published", legalDoc("partly", "Bị thay thế một phần", &pb.LegalDocument{IssuedOn: "2021-01-01"}))
	put("vp", "published", legalDoc("part-replacer", "Thay thế một phần", &pb.LegalDocument{IssuedOn: "2026-03-01",
		Relations: []*pb.LegalRelation{rel(replacesPart, "vp", "partly")}}))
	put("vp", "published", legalDoc("amended", "Được sửa đổi", &pb.LegalDocument{IssuedOn: "2021-01-01"}))
	put("vp", "published", legalDoc("amender", "Sửa đổi", &pb.LegalDocument{IssuedOn: "2026-03-01",
		Relations: []*pb.LegalRelation{rel(amends, "vp", "amended")}}))
	// A replacing document the public does not see replaces nothing.
	put("vp", "published", legalDoc("kept", "Vẫn còn hiệu lực", &pb.LegalDocument{IssuedOn: "2021-01-01"}))
	put("vp", "withdrawn", legalDoc("withdrawn-replacer", "Đã thu hồi", &pb.LegalDocument{IssuedOn: "2026-01-01",
		Relations: []*pb.LegalRelation{rel(replaces, "vp", "kept")}}))
	put("vp", "published", legalDoc("kept2", "Vẫn còn hiệu lực 2", &pb.LegalDocument{IssuedOn: "2021-01-01"}))
	put("vp", "published", legalDoc("taken-down-replacer", "Bị gỡ", &pb.LegalDocument{IssuedOn: "2026-01-01",
		Relations: []*pb.LegalRelation{rel(replaces, "vp", "kept2")}}))
	exec(t, db, `UPDATE items SET taken_down_at = now(), takedown_reason = 'sai' WHERE content_id = 'taken-down-replacer'`)

	for _, tt := range []struct {
		tenant, id, today string
		want              hubread.Validity
	}{
		{"vp", "in-force", "2026-06-15", hubread.InForce},
		{"vp", "in-force", "2025-01-14", hubread.NotYetInForce},
		{"vp", "in-force", "2025-01-15", hubread.InForce},
		{"vp", "no-dates", "2026-06-15", hubread.InForce},
		{"vp", "future", "2026-06-15", hubread.NotYetInForce},
		{"vp", "future", "2026-07-01", hubread.InForce},
		{"vp", "issued-later", "2026-06-30", hubread.NotYetInForce},
		{"vp", "expires", "2026-06-14", hubread.InForce},
		{"vp", "expires", "2026-06-15", hubread.Expired},
		{"vp", "replaced", "2026-05-31", hubread.InForce},
		{"vp", "replaced", "2026-06-01", hubread.Expired},
		{"vp", "replaced-later", "2026-06-15", hubread.InForce},
		{"vp", "replaced-later", "2026-07-01", hubread.Expired},
		{"vp", "partly", "2026-02-28", hubread.InForce},
		{"vp", "partly", "2026-03-01", hubread.PartlyInForce},
		{"vp", "amended", "2026-06-15", hubread.InForce},
		{"vp", "kept", "2026-06-15", hubread.InForce},
		{"vp", "kept2", "2026-06-15", hubread.InForce},
	} {
		p, err := store.LegalDocument(ctx, tt.tenant, tt.id, day(tt.today))
		if err != nil {
			t.Fatalf("LegalDocument(%s, %s): %v", tt.id, tt.today, err)
		}
		if p.Doc.Validity != tt.want {
			t.Errorf("%s on %s: validity %q, want %q", tt.id, tt.today, p.Doc.Validity, tt.want)
		}
		// The register computes the same, and its filter finds it.
		reg, err := store.LegalRegister(ctx, hubread.LegalQuery{Tenant: tt.tenant, Today: day(tt.today), Validity: tt.want, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(reg.Rows, func(d hubread.LegalDoc) bool { return d.ContentID == tt.id && d.Validity == tt.want }) {
			t.Errorf("%s on %s: the register filtered by %q does not list it", tt.id, tt.today, tt.want)
		}
	}
	if _, err := store.LegalDocument(ctx, "vp", "nothing", day("2026-06-15")); !errors.Is(err, hubread.ErrNotFound) {
		t.Errorf("unknown document: err %v, want ErrNotFound", err)
	}
}

// TestLegalRelationsBothWays shows what a document states of others and
// what others state of it.
func TestLegalRelationsBothWays(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	putItem(t, db, "vp", "published", legalDoc("old", "Quyết định cũ", &pb.LegalDocument{Number: "12/2020/QĐ-UBND", IssuedOn: "2020-03-01"}))
	putItem(t, db, "vp", "published", legalDoc("base", "Nghị quyết gốc", &pb.LegalDocument{Number: "05/2021/NQ-HĐND", IssuedOn: "2021-03-01"}))
	putItem(t, db, "sotp", "published", legalDoc("new", "Quyết định mới", &pb.LegalDocument{Number: "15/2025/QĐ-UBND", IssuedOn: "2025-03-01",
		Relations: []*pb.LegalRelation{rel(replaces, "vp", "old"), rel(replacesPart, "vp", "base"),
			{Type: amends, TargetNumber: "07/2019/QĐ-UBND"}}}))
	putItem(t, db, "vp", "published", legalDoc("newer", "Quyết định sửa đổi", &pb.LegalDocument{Number: "20/2026/QĐ-UBND", IssuedOn: "2026-01-10",
		Relations: []*pb.LegalRelation{rel(amends, "sotp", "new")}}))
	putItem(t, db, "vp", "withdrawn", legalDoc("hidden", "Đã thu hồi", &pb.LegalDocument{IssuedOn: "2026-02-01",
		Relations: []*pb.LegalRelation{rel(amends, "sotp", "new")}}))

	type relation struct {
		typ     hubread.RelationType
		inverse bool
		other   string // tenant/content_id, or the number of a document not on the portal
	}
	relations := func(tenant, id string) []relation {
		t.Helper()
		p, err := store.LegalDocument(ctx, tenant, id, day("2026-06-15"))
		if err != nil {
			t.Fatal(err)
		}
		var out []relation
		for _, r := range p.Relations {
			other := r.Other.Number
			if r.Other.ContentID != "" {
				other = r.Other.Tenant + "/" + r.Other.ContentID
				if text, _ := r.Other.In("vi"); text.Slug != r.Other.ContentID {
					t.Errorf("%s: relation to %s has slug %q", id, other, text.Slug)
				}
			}
			out = append(out, relation{r.Type, r.Inverse, other})
		}
		return out
	}
	for _, tt := range []struct {
		tenant, id string
		want       []relation
	}{
		{"sotp", "new", []relation{{hubread.Replaces, false, "vp/old"}, {hubread.ReplacesPart, false, "vp/base"},
			{hubread.Amends, false, "07/2019/QĐ-UBND"}, {hubread.Amends, true, "vp/newer"}}},
		{"vp", "old", []relation{{hubread.Replaces, true, "sotp/new"}}},
		{"vp", "base", []relation{{hubread.ReplacesPart, true, "sotp/new"}}},
		{"vp", "newer", []relation{{hubread.Amends, false, "sotp/new"}}},
	} {
		if got := relations(tt.tenant, tt.id); !slices.Equal(got, tt.want) {
			t.Errorf("relations of %s:\n got %v\nwant %v", tt.id, got, tt.want)
		}
	}
	// A relation to a document the public no longer sees keeps its number,
	// without a link.
	exec(t, db, `UPDATE items SET taken_down_at = now(), takedown_reason = 'sai' WHERE content_id = 'old'`)
	if got, want := relations("sotp", "new")[0], (relation{hubread.Replaces, false, "12/2020/QĐ-UBND"}); got != want {
		t.Errorf("relation to a taken-down document: got %v, want %v", got, want)
	}
}

// register is a fixture of documents for the register's filters.
type registerDoc struct {
	id, typ, issuer, field, signer, issued string
}

var registerDocs = []registerDoc{
	{"qd-1", "Quyết định", "ubnd-tinh", "Giáo dục", "Nguyễn Văn Anh", "2025-02-01"},
	{"qd-2", "Quyết định", "ubnd-tinh", "Tài chính", "Trần Thị Bình", "2025-05-01"},
	{"qd-3", "Quyết định", "chu-tich-ubnd-tinh", "Giáo dục", "Nguyễn Văn Anh", "2026-01-10"},
	{"qd-4", "Quyết định", "so-ban-nganh", "Du lịch", "Lê Văn Cường", "2024-11-20"},
	{"nq-1", "Nghị quyết", "hdnd-tinh", "Tài chính", "Phạm Thị Dung", "2025-07-15"},
	{"nq-2", "Nghị quyết", "hdnd-tinh", "Giáo dục", "Phạm Thị Dung", "2026-03-01"},
	{"cv-1", "Công văn", "ubnd-tinh", "Du lịch", "Trần Thị Bình", "2025-09-09"},
	{"cv-2", "Công văn", "so-ban-nganh", "Giáo dục", "Lê Văn Cường", "2025-12-31"},
	{"ct-1", "Chỉ thị", "chu-tich-ubnd-tinh", "Du lịch", "Nguyễn Văn Anh", "2026-02-02"},
}

func putRegister(t *testing.T, db *pgxpool.Pool) {
	t.Helper()
	for _, d := range registerDocs {
		putItem(t, db, "vp", "published", legalDoc(d.id, "Về việc "+d.field+" tỉnh Khánh Hòa năm "+d.issued[:4],
			&pb.LegalDocument{Number: d.id + "/QĐ-UBND", DocumentType: d.typ, IssuerCode: d.issuer, Field: d.field,
				Signer: d.signer, IssuedOn: d.issued}))
	}
}

// TestLegalFacets counts each facet's values with every other filter but
// not its own.
func TestLegalFacets(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	putRegister(t, db)

	type filter struct{ typ, issuer, field string }
	match := func(d registerDoc, f filter, year int, skip string) bool {
		return (skip == "type" || f.typ == "" || d.typ == f.typ) &&
			(skip == "issuer" || f.issuer == "" || d.issuer == f.issuer) &&
			(skip == "field" || f.field == "" || d.field == f.field) &&
			(skip == "year" || year == 0 || d.issued[:4] == fmt.Sprint(year))
	}
	// want counts registerDocs by the value of facet, applying the other
	// filters.
	want := func(f filter, year int, facet string, value func(registerDoc) string) map[string]int {
		out := map[string]int{}
		for _, d := range registerDocs {
			if match(d, f, year, facet) {
				out[value(d)]++
			}
		}
		return out
	}
	got := func(vs []hubread.FacetValue) map[string]int {
		out := map[string]int{}
		for _, v := range vs {
			if v.Count > 0 {
				out[v.Value] = v.Count
			}
		}
		return out
	}
	for _, tt := range []struct {
		f    filter
		year int
	}{
		{filter{}, 0},
		{filter{typ: "Quyết định"}, 2025},
		{filter{typ: "Quyết định", field: "Giáo dục"}, 0},
		{filter{issuer: "hdnd-tinh", field: "Tài chính"}, 2026},
		{filter{typ: "Chỉ thị", issuer: "ubnd-tinh"}, 0}, // nothing matches
	} {
		t.Run(fmt.Sprintf("%+v %d", tt.f, tt.year), func(t *testing.T) {
			reg, err := store.LegalRegister(ctx, hubread.LegalQuery{Today: day("2026-06-15"), Type: tt.f.typ, Issuer: tt.f.issuer,
				Field: tt.f.field, Year: tt.year})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				facet string
				got   []hubread.FacetValue
				value func(registerDoc) string
			}{
				{"type", reg.Facets.Types, func(d registerDoc) string { return d.typ }},
				{"issuer", reg.Facets.Issuers, func(d registerDoc) string { return d.issuer }},
				{"field", reg.Facets.Fields, func(d registerDoc) string { return d.field }},
				{"year", reg.Facets.Years, func(d registerDoc) string { return d.issued[:4] }},
			} {
				if g, w := got(c.got), want(tt.f, tt.year, c.facet, c.value); !mapsEqual(g, w) {
					t.Errorf("%s facet: got %v, want %v", c.facet, g, w)
				}
			}
			total := want(tt.f, tt.year, "", func(registerDoc) string { return "" })[""]
			if reg.Facets.Total != total || len(reg.Rows) != total {
				t.Errorf("total %d, %d rows; want %d", reg.Facets.Total, len(reg.Rows), total)
			}
			if len(reg.Facets.Validities) != len(hubread.Validities) {
				t.Errorf("validity facet lists %d values, want every one", len(reg.Facets.Validities))
			}
		})
	}

	// Issuers carry the code list's names; years come newest first.
	reg, err := store.LegalRegister(ctx, hubread.LegalQuery{Today: day("2026-06-15")})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range reg.Facets.Issuers {
		if v.Value == "hdnd-tinh" && (v.Names.VI != "Hội đồng nhân dân tỉnh" || v.Names.In("en") != "Provincial People's Council") {
			t.Errorf("issuer hdnd-tinh: names %+v", v.Names)
		}
	}
	var years []string
	for _, v := range reg.Facets.Years {
		years = append(years, v.Value)
	}
	if want := []string{"2026", "2025", "2024"}; !slices.Equal(years, want) {
		t.Errorf("years %v, want %v", years, want)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestLegalTextFilters finds documents by number, signer, keyword and dates
// in any case, with or without diacritics.
func TestLegalTextFilters(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	putRegister(t, db)
	ids := func(q hubread.LegalQuery) []string {
		t.Helper()
		q.Today = day("2026-06-15")
		reg, err := store.LegalRegister(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range reg.Rows {
			out = append(out, d.ContentID)
		}
		slices.Sort(out)
		return out
	}
	for _, tt := range []struct {
		name string
		q    hubread.LegalQuery
		want []string
	}{
		{"number without diacritics", hubread.LegalQuery{Number: "qd-3/qd"}, []string{"qd-3"}},
		{"number with diacritics", hubread.LegalQuery{Number: "NQ-2/QĐ-UBND"}, []string{"nq-2"}},
		{"signer", hubread.LegalQuery{Signer: "pham thi dung"}, []string{"nq-1", "nq-2"}},
		{"keyword, every word", hubread.LegalQuery{Keyword: "giao duc  khánh hoà"}, []string{"cv-2", "nq-2", "qd-1", "qd-3"}},
		{"keyword and year", hubread.LegalQuery{Keyword: "Du lịch", Year: 2026}, []string{"ct-1"}},
		{"a wildcard is a character", hubread.LegalQuery{Number: "%"}, nil},
		{"dates, both included", hubread.LegalQuery{From: day("2025-05-01"), To: day("2025-09-09")}, []string{"cv-1", "nq-1", "qd-2"}},
		{"two filters", hubread.LegalQuery{Type: "Quyết định", Year: 2025}, []string{"qd-1", "qd-2"}},
	} {
		if got := ids(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestLegalRegisterPages walks the register a page at a time both ways, in
// every order.
func TestLegalRegisterPages(t *testing.T) {
	db, store := legalSetup(t)
	ctx := context.Background()
	const n = 45
	for i := range n {
		// Three documents a day, so that the tenant and id break ties.
		issued := day("2025-01-01").AddDate(0, 0, i/3).Format(time.DateOnly)
		effective := day("2025-03-01").AddDate(0, 0, -i).Format(time.DateOnly)
		tenant := []string{"vp", "sotp", "sokhcn"}[i%3]
		putItem(t, db, tenant, "published", legalDoc(fmt.Sprintf("d-%02d", i), "Văn bản", &pb.LegalDocument{IssuedOn: issued, EffectiveOn: effective}))
	}
	for _, sort := range hubread.LegalSorts {
		t.Run(string(sort), func(t *testing.T) {
			var pages [][]string
			q := hubread.LegalQuery{Today: day("2026-06-15"), Sort: sort}
			for {
				reg, err := store.LegalRegister(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, d := range reg.Rows {
					ids = append(ids, d.Tenant+"/"+d.ContentID)
				}
				pages = append(pages, ids)
				if reg.Next == nil {
					break
				}
				c, err := hubread.ParseCursor(reg.Next.String(), hubread.LegalKeyFields)
				if err != nil {
					t.Fatal(err)
				}
				q.Cursor = &c
			}
			if len(pages) != 3 || len(pages[0]) != 20 || len(pages[1]) != 20 || len(pages[2]) != 5 {
				t.Fatalf("pages of %v", pages)
			}
			all := slices.Concat(pages...)
			if len(slices.Compact(slices.Sorted(slices.Values(all)))) != n {
				t.Errorf("pages repeat or miss documents: %v", pages)
			}
			// Back from the last page, by its previous link.
			reg, err := store.LegalRegister(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			c, _ := hubread.ParseCursor(reg.Prev.String(), hubread.LegalKeyFields)
			q.Cursor = &c
			back, err := store.LegalRegister(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, d := range back.Rows {
				ids = append(ids, d.Tenant+"/"+d.ContentID)
			}
			if !slices.Equal(ids, pages[1]) {
				t.Errorf("previous of the last page: %v, want %v", ids, pages[1])
			}
		})
	}
	// A cursor of another list is refused, not a 500.
	_, err := store.LegalRegister(ctx, hubread.LegalQuery{Today: day("2026-06-15"),
		Cursor: &hubread.Cursor{Key: []string{"yesterday", "vp", "x"}}})
	if !errors.Is(err, hubread.ErrBadCursor) {
		t.Errorf("bad cursor date: err %v, want ErrBadCursor", err)
	}
}
