package sitemap

import (
	"bytes"
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

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

func TestURLSet(t *testing.T) {
	at := time.Date(2025, 7, 1, 1, 30, 0, 0, time.UTC)
	b, err := URLSet([]URL{
		{Loc: "https://khanhhoa.gov.vn/vi/", Alternates: []Alternate{{"vi", "https://khanhhoa.gov.vn/vi/"},
			{"en", "https://khanhhoa.gov.vn/en/"}, {"ru", "https://khanhhoa.gov.vn/ru/"}, {"x-default", "https://khanhhoa.gov.vn/vi/"}}},
		{Loc: "https://sodulich.khanhhoa.gov.vn/vi/le-hoi?a=1&b=2", LastMod: at},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "urlset.xml", b)
	var parsed struct {
		URLs []struct {
			Loc   string `xml:"loc"`
			Links []struct {
				HrefLang string `xml:"hreflang,attr"`
				Href     string `xml:"href,attr"`
			} `xml:"http://www.w3.org/1999/xhtml link"`
		} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
	}
	if err := xml.Unmarshal(b, &parsed); err != nil {
		t.Fatal(err)
	}
	if len(parsed.URLs) != 2 || parsed.URLs[1].Loc != "https://sodulich.khanhhoa.gov.vn/vi/le-hoi?a=1&b=2" ||
		len(parsed.URLs[0].Links) != 4 || parsed.URLs[0].Links[3].HrefLang != "x-default" {
		t.Errorf("parsed back: %+v", parsed)
	}
	if _, err := URLSet(make([]URL, MaxURLs+1)); err == nil {
		t.Error("a sitemap of more than 50,000 URLs was written")
	}
}

func TestIndex(t *testing.T) {
	b, err := Index([]Sitemap{{Loc: "https://khanhhoa.gov.vn/sitemap-1.xml", LastMod: time.Date(2025, 7, 1, 1, 30, 0, 0, time.UTC)},
		{Loc: "https://khanhhoa.gov.vn/sitemap-2.xml"}})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "index.xml", b)
}

func TestFiles(t *testing.T) {
	for _, tt := range [][3]int{{0, 10, 1}, {1, 10, 1}, {10, 10, 1}, {11, 10, 2}, {50_001, MaxURLs, 2}} {
		if got := Files(tt[0], tt[1]); got != tt[2] {
			t.Errorf("Files(%d, %d) = %d, want %d", tt[0], tt[1], got, tt[2])
		}
	}
}
