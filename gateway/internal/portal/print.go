package portal

import (
	"bytes"
	"context"
	"net/http"

	"github.com/portalhub/portalhub/gateway/internal/pagecache"
)

// Printing (Decree 42): every page prints with the print rules of
// site.css (the site's name dark on white, the page's address, no
// navigation), and every content page links its print view, the same page
// at ?print=1 with those rules applied on screen and a note to print it
// with the browser's command, so that it works without JavaScript. The
// print view is a page of its own in the page cache (the page's key and
// ";print"), dropped with the page by the same tags; it is not indexed and
// its canonical link is the page's.

// printParam is the query parameter that asks for a page's print view.
const printParam = "print"

// wantsPrint reports whether the request asks for the print view.
func wantsPrint(r *http.Request) bool { return r.URL.Query().Get(printParam) == "1" }

// printURL is the print view's URL of a page at path with query (encoded,
// may be empty).
func printURL(path, query string) string {
	if query != "" {
		return path + "?" + query + "&" + printParam + "=1"
	}
	return path + "?" + printParam + "=1"
}

// forPrint makes render render a page's print view: an HTML page with
// status 200 gets its body marked print-view and a noindex; anything else
// (a redirect, a feed) is left as it is.
func forPrint(render func(ctx context.Context) (*pagecache.Render, error)) func(ctx context.Context) (*pagecache.Render, error) {
	return func(ctx context.Context) (*pagecache.Render, error) {
		r, err := render(ctx)
		if err != nil || r.Page == nil || r.Page.Status != http.StatusOK || r.Page.Header.Get("Content-Type") != "text/html; charset=utf-8" {
			return r, err
		}
		body := printView(r.Page.Body)
		p := pagecache.NewPage(r.Page.Status, "text/html; charset=utf-8", body)
		for k, vs := range r.Page.Header {
			if k != "Etag" && k != "Content-Type" {
				p.Header[k] = vs
			}
		}
		out := *r
		out.Page = p
		return &out, nil
	}
}

var (
	bodyTag    = []byte("<body>")
	headEnd    = []byte("</head>")
	printBody  = []byte(`<body class="print-view">`)
	printRobot = []byte("<meta name=\"robots\" content=\"noindex\">\n</head>")
)

// printView turns a page rendered by the layout into its print view.
func printView(page []byte) []byte {
	out := bytes.Replace(page, bodyTag, printBody, 1)
	if !bytes.Contains(out, []byte(`name="robots"`)) {
		out = bytes.Replace(out, headEnd, printRobot, 1)
	}
	return out
}
