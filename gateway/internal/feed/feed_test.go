package feed

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from its golden file (go test -update to accept):\n%s", name, got)
	}
}

var at = time.Date(2025, 7, 1, 1, 30, 0, 0, time.UTC) // 08:30 in Nha Trang

func sample() Feed {
	return Feed{Title: "Sở Thông tin và Truyền thông", Subtitle: "Tin mới của Sở", Lang: "vi",
		Link: "https://khanhhoa.gov.vn/vi/sotttt/", Self: "https://khanhhoa.gov.vn/vi/sotttt/rss.xml",
		ID: "https://khanhhoa.gov.vn/vi/sotttt/", Updated: at.Add(2 * time.Hour), Author: "Sở Thông tin và Truyền thông",
		Rights: "© UBND tỉnh Khánh Hòa", Generator: "portalhub",
		Entries: []Entry{{
			ID: "tag:khanhhoa.gov.vn,2025:sotttt/le-hoi/vi", Title: "Lễ hội biển <Nha Trang> & du lịch",
			Link: "https://khanhhoa.gov.vn/vi/sotttt/le-hoi-bien", Summary: "Tóm tắt <script>alert(1)</script>",
			Content: "<p>Nội dung <strong>đậm</strong> ]]> hết</p>", Published: at, Updated: at.Add(2 * time.Hour),
			Author: "Sở Thông tin và Truyền thông", Categories: []Category{{Term: "news", Label: "Tin tức, sự kiện"}},
			Enclosures: []Enclosure{{URL: "https://khanhhoa.gov.vn/files/sotttt/le-hoi/ab12", Type: "application/pdf", Length: 32}},
		}, {
			ID: "tag:khanhhoa.gov.vn,2025:sotttt/qd-15/vi", Title: "Quyết định 15/2025/QĐ-UBND", Lang: "vi",
			Link: "https://khanhhoa.gov.vn/vi/sotttt/quyet-dinh-15", Published: at.Add(-time.Hour), Updated: at.Add(-time.Hour),
		}}}
}

func TestRSS(t *testing.T) {
	b, err := RSS(sample())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "feed.rss", b)

	f, err := gofeed.NewParser().ParseString(string(b))
	if err != nil {
		t.Fatalf("gofeed: %v", err)
	}
	if f.FeedType != "rss" || f.FeedVersion != "2.0" || f.Title != "Sở Thông tin và Truyền thông" || f.Language != "vi" ||
		f.Link != "https://khanhhoa.gov.vn/vi/sotttt/" || len(f.Items) != 2 {
		t.Fatalf("parsed %s %s %q %q %q, %d items", f.FeedType, f.FeedVersion, f.Title, f.Language, f.Link, len(f.Items))
	}
	it := f.Items[0]
	if it.Title != "Lễ hội biển <Nha Trang> & du lịch" || it.GUID != "tag:khanhhoa.gov.vn,2025:sotttt/le-hoi/vi" ||
		it.Link != "https://khanhhoa.gov.vn/vi/sotttt/le-hoi-bien" || !it.PublishedParsed.Equal(at) ||
		it.Content != "<p>Nội dung <strong>đậm</strong> ]]> hết</p>" || len(it.Authors) != 1 || it.Authors[0].Name != "Sở Thông tin và Truyền thông" ||
		len(it.Categories) != 1 || it.Categories[0] != "Tin tức, sự kiện" || len(it.Enclosures) != 1 || it.Enclosures[0].Length != "32" {
		t.Errorf("item = %+v", it)
	}
	// The summary is text: escaped once more as HTML, it reads as written.
	if it.Description != "Tóm tắt &lt;script&gt;alert(1)&lt;/script&gt;" {
		t.Errorf("description = %q", it.Description)
	}
	r, err := (&rss.Parser{}).Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	self := r.Extensions["atom"]["link"]
	if len(self) != 1 || self[0].Attrs["href"] != "https://khanhhoa.gov.vn/vi/sotttt/rss.xml" || self[0].Attrs["rel"] != "self" {
		t.Errorf("atom:link self = %+v", self)
	}
	// (gofeed reads the guid's attribute as "isPermalink", not the spec's
	// "isPermaLink": the golden file shows it.)
}

func TestAtom(t *testing.T) {
	b, err := Atom(sample())
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "feed.atom", b)

	f, err := gofeed.NewParser().ParseString(string(b))
	if err != nil {
		t.Fatalf("gofeed: %v", err)
	}
	if f.FeedType != "atom" || f.Title != "Sở Thông tin và Truyền thông" || f.Language != "vi" || len(f.Items) != 2 {
		t.Fatalf("parsed %s %q %q, %d items", f.FeedType, f.Title, f.Language, len(f.Items))
	}
	it := f.Items[0]
	if it.Title != "Lễ hội biển <Nha Trang> & du lịch" || it.GUID != "tag:khanhhoa.gov.vn,2025:sotttt/le-hoi/vi" ||
		it.Link != "https://khanhhoa.gov.vn/vi/sotttt/le-hoi-bien" || !it.PublishedParsed.Equal(at) ||
		!it.UpdatedParsed.Equal(at.Add(2*time.Hour)) || it.Description != "Tóm tắt <script>alert(1)</script>" ||
		it.Content != "<p>Nội dung <strong>đậm</strong> ]]> hết</p>" || len(it.Enclosures) != 1 {
		t.Errorf("entry = %+v", it)
	}
	a, err := (&atom.Parser{}).Parse(strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	rels := map[string]string{}
	for _, l := range a.Links {
		rels[l.Rel] = l.Href
	}
	if rels["self"] != "https://khanhhoa.gov.vn/vi/sotttt/rss.xml" || rels["alternate"] != "https://khanhhoa.gov.vn/vi/sotttt/" {
		t.Errorf("links = %v", rels)
	}
	if a.Updated != "2025-07-01T10:30:00+07:00" || a.ID != "https://khanhhoa.gov.vn/vi/sotttt/" || len(a.Authors) != 1 {
		t.Errorf("updated %q, id %q, authors %v", a.Updated, a.ID, a.Authors)
	}
	if len(a.Entries[0].Authors) != 1 || len(a.Entries[1].Authors) != 0 || a.Entries[0].Content.Type != "html" {
		t.Errorf("entries: authors %v %v, summary %+v, content %+v", a.Entries[0].Authors, a.Entries[1].Authors,
			a.Entries[0].Summary, a.Entries[0].Content)
	}
}
