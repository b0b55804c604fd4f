package portal_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

func TestProvincialHomeBlocks(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	registry(t, e)
	feature := article("noi-bat", 1, t0.Add(6*time.Hour), tr("vi", "noi-bat", "Khánh Hòa đón khách quốc tế", "Tóm tắt", ""))
	feature.Category = "highlights"
	e.put(t, "sotttt", feature)
	link := article("cong-dvc", 1, t0, tr("vi", "cong-dvc", "Cổng Dịch vụ công quốc gia", "", ""))
	link.Kind, link.Category = pb.ContentKind_CONTENT_KIND_EXTERNAL_LINK, "links"
	link.Details = &pb.ContentItem_ExternalLink{ExternalLink: &pb.ExternalLink{Url: "https://dichvucong.gov.vn"}}
	e.put(t, "vp-ubnd", link)
	// One sub-portal publishes thirty items, all newer than anything else.
	for i := range 30 {
		id := fmt.Sprintf("dong-%02d", i)
		e.put(t, "sotttt", article(id, 1, t0.Add(24*time.Hour+time.Duration(i)*time.Minute), tr("vi", id, "Tin dồn dập "+id, "", "")))
	}

	res, doc := e.get(t, "/vi/")
	wantStatus(t, res, 200)
	if got := texts(doc, ".featured h3 a"); len(got) != 1 || got[0] != "Khánh Hòa đón khách quốc tế" {
		t.Errorf("featured = %v, want the newest highlight", got)
	}
	blocks := texts(doc, ".section-block h2 a")
	if len(blocks) == 0 || blocks[0] != "Tin tức - Sự kiện" || attr(doc, ".section-block h2 a", "href") != "/vi/tin-tuc-su-kien/" {
		t.Errorf("section blocks = %v, want news first, linking its section", blocks)
	}
	if n := doc.Find(`.section-block[aria-labelledby=block-news] li`).Length(); n != 4 {
		t.Errorf("news block lists %d items, want 4", n)
	}
	if !contains(texts(doc, ".section-block h2 a"), "Văn bản pháp luật") {
		t.Error("no block for legal documents")
	}
	newest := doc.Find(".subportals-newest .items > li")
	flood := 0
	newest.Each(func(_ int, li *goqSel) {
		if strings.Contains(li.Text(), "Tin dồn dập") {
			flood++
		}
	})
	if flood != 2 || !contains(texts(doc, ".subportals-newest h3 a"), "Tin phường") {
		t.Errorf("newest of the sub-portals: %d of the flooding one (want 2), %v", flood, texts(doc, ".subportals-newest h3 a"))
	}
	if got := texts(doc, ".links li a"); len(got) != 1 || got[0] != "Cổng Dịch vụ công quốc gia" {
		t.Errorf("links block = %v", got)
	}
	if attr(doc, ".links a.more", "href") != "/vi/lien-ket/" {
		t.Error("the links block does not link the links section")
	}
	if doc.Find(`main form[role=search] input[name=q]`).Length() != 1 {
		t.Error("no search box on the home")
	}
	if attr(doc, ".portals a.more", "href") != "/vi/portals/" {
		t.Error("the home does not link the directory of sub-portals")
	}
	if attr(doc, "main .updated time", "datetime") == "" {
		t.Error("no last update on the home")
	}
}

func TestSubportalHomeBlocks(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	_, doc := e.get(t, "/vi/sotttt/")
	got := map[string]string{}
	doc.Find(".categories .section-block h2 a").Each(func(_ int, s *goqSel) { got[s.Text()], _ = s.Attr("href") })
	for name, href := range map[string]string{"Tin tức - Sự kiện": "/vi/sotttt/tin-tuc-su-kien/",
		"Văn bản pháp luật": "/vi/sotttt/van-ban-phap-luat/", "Dự án, đấu thầu": "/vi/sotttt/du-an-dau-thau/"} {
		if got[name] != href {
			t.Errorf("category %q links %q, want its section %q (all: %v)", name, got[name], href, got)
		}
	}
	if n := doc.Find(`.section-block[aria-labelledby=block-news] li`).Length(); n != 1 {
		t.Errorf("news block of the sub-portal lists %d items", n)
	}
}

// With thousands of sub-portals the home stays small (it counts them by
// kind and links the directory), and the directory groups them by kind and
// parent in Vietnamese alphabetical order.
func TestTenantDirectory(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	e.exec(t, `INSERT INTO tenants (id, kind, name_vi) SELECT 'xa-' || n, 'commune', 'Xã Số ' || n FROM generate_series(1, 3400) n`)
	e.tenant(t, "huyen-a", "district", "Huyện Cam Lâm", "Cam Lam District", "")
	for id, name := range map[string]string{"x-dong": "Xã Đông", "x-duong": "Xã Dương", "x-anh": "Xã Anh", "x-an": "Xã Ân", "x-binh": "Xã Bình"} {
		e.exec(t, `INSERT INTO tenants (id, kind, name_vi, parent_id) VALUES ($1, 'commune', $2, 'huyen-a')`, id, name)
	}
	e.tenantsChanged(t)

	res, body := e.do(t, "GET", "/vi/")
	if res.StatusCode != 200 || len(body) > 40_000 || strings.Contains(string(body), "Xã Số 17") {
		t.Errorf("home with 3,400 communes: %d, %d bytes, lists them: %v", res.StatusCode, len(body), strings.Contains(string(body), "Xã Số 17"))
	}
	_, doc := e.get(t, "/vi/")
	if !contains(texts(doc, ".portals li"), "Xã (3405)") {
		t.Errorf("home's count by kind = %v", texts(doc, ".portals li"))
	}

	res, doc = e.get(t, "/vi/portals/")
	wantStatus(t, res, 200)
	checkLayout(t, res, doc, "vi")
	oneH1(t, doc)
	if n := doc.Find("#kind-commune .portal-list li").Length(); n != 3405 {
		t.Errorf("directory lists %d communes, want 3405", n)
	}
	if got := texts(doc, ".portal-kind h2"); len(got) < 3 || !strings.HasPrefix(got[0], "Sở, ban, ngành") {
		t.Errorf("kinds = %v, want departments first", got)
	}
	var under []string
	doc.Find("#kind-commune .portal-group").Each(func(_ int, g *goqSel) {
		if strings.Contains(g.Find("h3").Text(), "Huyện Cam Lâm") {
			g.Find("li a").Each(func(_ int, a *goqSel) { under = append(under, a.Text()) })
		}
	})
	if want := []string{"Xã Anh", "Xã Ân", "Xã Bình", "Xã Dương", "Xã Đông"}; fmt.Sprint(under) != fmt.Sprint(want) {
		t.Errorf("communes under the district = %v, want %v (Vietnamese order)", under, want)
	}
}

type goqSel = goquery.Selection
