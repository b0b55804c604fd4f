package pagecache

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Encoding is a content coding a page is kept in.
type Encoding uint8

// The codings a page is kept in, made once when it is stored (Prepare).
const (
	Identity Encoding = iota
	Gzip
	Brotli
	numEncodings
)

var encodingNames = [numEncodings]string{"identity", "gzip", "br"}

func (e Encoding) String() string { return encodingNames[e] }

// Form is one representation of a page, ready to send: its bytes, its
// strong entity tag (a hash of those bytes, so each coding has its own) and
// every header of its answers, computed once. Serving it is a map lookup
// and one write; nothing is built per request.
type Form struct {
	Encoding Encoding
	Body     []byte
	ETag     string
	// Header is the complete header set of a 200 answer: the page's own
	// headers, Content-Type, Content-Length, Content-Encoding (not on the
	// identity form), ETag, Vary: Accept-Encoding (when the page has
	// compressed forms), Cache-Control and the common headers given to
	// Prepare. Each value slice has no spare capacity, so that appending
	// to a response's copy never writes into it.
	Header http.Header
	// NotModified is the header set of a 304 answer: Header less what
	// describes a body (RFC 9110 15.4.5).
	NotModified http.Header
	// The same two sets as lists, which are quicker to copy into a
	// response than maps are to range over (WriteHeaders).
	header, notModified []headerField
}

type headerField struct {
	name   string
	values []string
}

func fields(h http.Header) []headerField {
	out := make([]headerField, 0, len(h))
	for k, vs := range h {
		out = append(out, headerField{k, vs})
	}
	return out
}

// WriteHeaders copies the form's headers of a 200 answer, or of a 304 when
// notModified, into h (a response's header map). The values are shared
// with the form and have no spare capacity: an append to them copies.
func (f *Form) WriteHeaders(h http.Header, notModified bool) {
	src := f.header
	if notModified {
		src = f.notModified
	}
	for _, kv := range src {
		h[kv.name] = kv.values
	}
}

// minCompress is the smallest body worth compressing: below it the coding's
// own overhead eats the saving.
const minCompress = 256

// Compression settings, paid once per render and never on a hit. Higher
// settings gain little on pages (24 KB of markup: gzip 6 → 9 is 0.1%
// smaller; brotli 5 → 9 3% smaller at four times the time, 11 12% at
// twenty times). The forms are made after the page is stored, off the
// wait of the visitor who asked for it (Cache.compress), but still take a
// core from the hits while they are made. BenchmarkPrepare and
// BenchmarkBrotliQuality measure them (docs/BENCHMARKS.md).
const (
	gzipLevel     = gzip.DefaultCompression // 6
	brotliQuality = 5
)

// Prepare makes the page's identity form with its complete headers:
// common (e.g. the security headers every answer carries) and
// Cache-Control: cacheControl, besides the page's own. When its type is
// text and it is large enough, it also carries Vary: Accept-Encoding and
// is marked for its gzip and brotli forms, which Compressed makes: the
// cache does so after the page is stored (see Cache.compress), so that the
// visitor who waited for the render is not kept waiting for the
// compressors too. Only a 200 answer with an ETag is prepared; Prepare
// does nothing to others, nor to a page already prepared. The page must
// not be shared with another goroutine while it is prepared (it is called
// in the render, before the page is stored).
func (p *Page) Prepare(common http.Header, cacheControl string) {
	if p.Status != http.StatusOK || p.ETag == "" || p.Forms[Identity] != nil {
		return
	}
	compress := len(p.Body) >= minCompress && compressible(p.Header.Get("Content-Type"))
	h := http.Header{}
	for k, vs := range common {
		h[k] = vs
	}
	for k, vs := range p.Header {
		h[k] = vs
	}
	h["Etag"] = []string{p.ETag}
	h["Cache-Control"] = []string{cacheControl}
	if compress {
		// On the identity form too: the page has (or will have within
		// milliseconds) other forms at the same URL.
		h["Vary"] = []string{"Accept-Encoding"}
	}
	h["Content-Length"] = []string{strconv.Itoa(len(p.Body))}
	p.Forms[Identity] = newForm(Identity, p.Body, p.ETag, h)
	p.compress = compress
}

// newForm returns the form of encoding with body, its etag, and the header
// set of its 200 answers h (Content-Length included, Content-Encoding
// not: it is added here); the 304's set is h less what describes a body.
// It takes h.
func newForm(encoding Encoding, body []byte, etag string, h http.Header) *Form {
	if encoding != Identity {
		h["Content-Encoding"] = []string{encoding.String()}
	}
	nm := http.Header{}
	for k, vs := range h {
		h[k] = vs[:len(vs):len(vs)]
		switch k {
		case "Content-Type", "Content-Length", "Content-Encoding":
		default:
			nm[k] = h[k]
		}
	}
	return &Form{Encoding: encoding, Body: body, ETag: etag, Header: h, NotModified: nm,
		header: fields(h), notModified: fields(nm)}
}

// Pending reports whether the page is prepared and waits for its
// compressed forms (Compressed).
func (p *Page) Pending() bool { return p.compress }

// Compressed returns a copy of a prepared page that waits for its
// compressed forms (Pending) with its gzip and brotli forms, those of them
// that are smaller than the page; nil when the page waits for none. The
// page itself is not changed (it may be served meanwhile): the copy
// shares its body, headers and identity form.
func (p *Page) Compressed() *Page {
	if !p.compress {
		return nil
	}
	id := p.Forms[Identity]
	// The two codings at once, on two cores when there are: the page is
	// sent uncompressed until they are made.
	br := make(chan []byte, 1)
	go func() { br <- brotliBytes(p.Body) }()
	gz := gzipBytes(p.Body)
	bb := <-br
	np := *p
	np.compress = false
	for _, c := range [...]struct {
		e Encoding
		b []byte
	}{{Gzip, gz}, {Brotli, bb}} {
		e, b := c.e, c.b
		if len(b) >= len(p.Body) {
			continue
		}
		h := make(http.Header, len(id.Header)+1)
		for k, vs := range id.Header {
			h[k] = vs
		}
		etag := ETag(b)
		h["Etag"] = []string{etag}
		h["Content-Length"] = []string{strconv.Itoa(len(b))}
		np.Forms[e] = newForm(e, b, etag, h)
	}
	return &np
}

// compressible reports whether a media type is text that compresses well.
func compressible(contentType string) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	return strings.HasPrefix(mt, "text/") || strings.HasSuffix(mt, "+xml") || strings.HasSuffix(mt, "+json") ||
		mt == "application/json" || mt == "application/xml" || mt == "application/javascript" || mt == "image/svg+xml"
}

// The compressors are kept between renders (reset for each page): a new
// brotli writer allocates its hash tables (about 1 MB at quality 5) and a
// new gzip writer its window and tables (about 800 KB), which under
// publishing was most of the bytes the gateway allocated
// (docs/BENCHMARKS.md, the load part's profile).
var (
	gzipWriters   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzipLevel); return w }} // a valid level: no error
	brotliWriters = sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, brotliQuality) }}
	compressBufs  = sync.Pool{New: func() any { return new(bytes.Buffer) }}
)

// compressed compresses b with a pooled writer into a pooled buffer and
// returns a copy of exactly the compressed bytes (the cache keeps it).
func compressed(b []byte, w interface {
	io.WriteCloser
	Reset(io.Writer)
}) []byte {
	buf := compressBufs.Get().(*bytes.Buffer)
	buf.Reset()
	w.Reset(buf)
	_, _ = w.Write(b) // into memory: no error
	_ = w.Close()
	out := bytes.Clone(buf.Bytes())
	w.Reset(nil) // hold no buffer while pooled
	compressBufs.Put(buf)
	return out
}

func gzipBytes(b []byte) []byte {
	w := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(w)
	return compressed(b, w)
}

func brotliBytes(b []byte) []byte {
	w := brotliWriters.Get().(*brotli.Writer)
	defer brotliWriters.Put(w)
	return compressed(b, w)
}

// Negotiate picks the form of a prepared page that a request's
// Accept-Encoding asks for (RFC 9110 12.5.3): the coding of the highest
// q-value among those the page has, brotli before gzip before identity at
// equal q-values; a coding with q=0 is never chosen ("*" stands for the
// codings not named). Identity is sent when nothing acceptable is kept,
// even when the request refused it (identity;q=0): a 406 for a page would
// help nobody. It allocates nothing.
func (p *Page) Negotiate(r *http.Request) *Form {
	ae := r.Header["Accept-Encoding"]
	if len(ae) == 0 || p.Forms[Gzip] == nil && p.Forms[Brotli] == nil {
		return p.Forms[Identity]
	}
	// q-values in thousandths; -1: not named.
	q := [numEncodings]int{-1, -1, -1}
	star := -1
	for _, line := range ae {
		for line != "" {
			var item string
			item, line, _ = strings.Cut(line, ",")
			name, params, _ := strings.Cut(item, ";")
			name = strings.TrimSpace(name)
			v := qValue(params)
			switch {
			case strings.EqualFold(name, "br"):
				q[Brotli] = max(q[Brotli], v)
			case strings.EqualFold(name, "gzip"), strings.EqualFold(name, "x-gzip"):
				q[Gzip] = max(q[Gzip], v)
			case strings.EqualFold(name, "identity"):
				q[Identity] = max(q[Identity], v)
			case name == "*":
				star = max(star, v)
			}
		}
	}
	for e := range q {
		if q[e] < 0 {
			q[e] = star
		}
	}
	if q[Identity] < 0 {
		q[Identity] = 1 // acceptable unless refused (RFC 9110 12.5.3)
	}
	best := p.Forms[Identity]
	bestQ := q[Identity]
	for _, e := range []Encoding{Gzip, Brotli} {
		if f := p.Forms[e]; f != nil && q[e] > 0 && q[e] >= bestQ {
			best, bestQ = f, q[e]
		}
	}
	return best
}

// qValue reads the q parameter of an Accept-Encoding item's parameters
// ("q=0.5"), in thousandths; 1000 when there is none, 0 when it is
// malformed.
func qValue(params string) int {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(p, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" || (v[0] != '0' && v[0] != '1') {
			return 0
		}
		n, scale := int(v[0]-'0')*1000, 100
		if len(v) > 1 {
			if v[1] != '.' || len(v) > 5 {
				return 0
			}
			for _, c := range v[2:] {
				if c < '0' || c > '9' {
					return 0
				}
				n += int(c-'0') * scale
				scale /= 10
			}
		}
		return min(n, 1000)
	}
	return 1000
}
