package render

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestRender(t *testing.T) {
	fs := fstest.MapFS{
		"_layout.html": {Data: []byte(`{{define "layout"}}<main>{{template "content" .}}</main>{{end}}`)},
		"ok.html":      {Data: []byte(`{{define "content"}}<p>{{.}}</p>{{end}}`)},
		"broken.html":  {Data: []byte(`{{define "content"}}<p>{{.Missing.Field}}</p>{{end}}`)},
	}
	r, err := New(Config{FS: fs})
	if err != nil {
		t.Fatal(err)
	}
	got, err := r.Render("ok", "<b>")
	if err != nil || string(got) != "<main><p>&lt;b&gt;</p></main>" {
		t.Errorf("Render(ok) = %q, %v", got, err)
	}
	// A failure mid-template returns an error and no partial page.
	got, err = r.Render("broken", "x")
	if err == nil || got != nil {
		t.Errorf("Render(broken) = %q, %v; want nil and an error", got, err)
	}
	if _, err := r.Render("nope", nil); err == nil || !strings.Contains(err.Error(), "no page") {
		t.Errorf("Render(nope) err = %v", err)
	}
	if _, err := New(Config{FS: fstest.MapFS{"bad.html": {Data: []byte(`{{define "content"}}{{end`)}}}); err == nil {
		t.Error("New accepted a template that does not parse")
	}
}

// In development mode an edited template shows at the next render; otherwise
// the pages parsed at start-up stay.
func TestRenderDevReparses(t *testing.T) {
	for _, dev := range []bool{false, true} {
		fs := fstest.MapFS{
			"_layout.html": {Data: []byte(`{{define "layout"}}{{template "content" .}}{{end}}`)},
			"page.html":    {Data: []byte(`{{define "content"}}old{{end}}`)},
		}
		r, err := New(Config{FS: fs, Dev: dev})
		if err != nil {
			t.Fatal(err)
		}
		fs["page.html"] = &fstest.MapFile{Data: []byte(`{{define "content"}}new{{end}}`)}
		got, err := r.Render("page", nil)
		want := map[bool]string{false: "old", true: "new"}[dev]
		if err != nil || string(got) != want {
			t.Errorf("Dev=%v: Render = %q, %v; want %q", dev, got, err, want)
		}
	}
}
