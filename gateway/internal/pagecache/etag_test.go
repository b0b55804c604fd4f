package pagecache

import (
	"net/http"
	"testing"
)

func TestETag(t *testing.T) {
	a, b := ETag([]byte("<p>một</p>")), ETag([]byte("<p>hai</p>"))
	if a == b || a != ETag([]byte("<p>một</p>")) || len(a) != 26 || a[0] != '"' || a[25] != '"' {
		t.Errorf("ETag: %q %q; want distinct, stable, quoted", a, b)
	}
	p := NewPage(200, "text/html; charset=utf-8", []byte("<p>một</p>"))
	if p.ETag != a || p.Header.Get("ETag") != a || p.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("NewPage = %+v", p)
	}
}

func TestNotModified(t *testing.T) {
	const tag = `"abc"`
	for _, tt := range []struct {
		method string
		values []string
		want   bool
	}{
		{"GET", nil, false},
		{"GET", []string{`"abc"`}, true},
		{"HEAD", []string{`"abc"`}, true},
		{"GET", []string{`W/"abc"`}, true}, // weak comparison
		{"GET", []string{`"x", "abc"`}, true},
		{"GET", []string{`"x",W/"abc"`}, true},
		{"GET", []string{`"x"`, `"abc"`}, true}, // two header lines
		{"GET", []string{`*`}, true},
		{"GET", []string{`"abcd"`}, false},
		{"GET", []string{`"ab"c"`}, false},
		{"GET", []string{`abc`}, false}, // not an entity tag
		{"GET", []string{`"x", abc, "abc"`}, false},
		{"GET", []string{`"abc`}, false},
		{"GET", []string{``}, false},
		{"POST", []string{`"abc"`}, false},
	} {
		r, _ := http.NewRequest(tt.method, "/", nil)
		for _, v := range tt.values {
			r.Header.Add("If-None-Match", v)
		}
		if got := NotModified(r, tag); got != tt.want {
			t.Errorf("%s If-None-Match %q: %v, want %v", tt.method, tt.values, got, tt.want)
		}
	}
	r, _ := http.NewRequest("GET", "/", nil)
	r.Header.Set("If-None-Match", "*")
	if NotModified(r, "") {
		t.Error("a page without a tag was not modified")
	}
}

func TestStrongMatch(t *testing.T) {
	if !StrongMatch(`"a"`, `"a"`) || StrongMatch(`W/"a"`, `"a"`) || StrongMatch(`"b"`, `"a"`) {
		t.Error("StrongMatch")
	}
}
