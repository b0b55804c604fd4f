package portal_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestAttachments(t *testing.T) {
	e := newEnv(t)
	sha := seed(t, e)
	path := "/files/sotttt/le-hoi/" + sha
	do := func(header ...string) (*http.Response, string) { return e.getBody(t, path, header...) }

	res, body := do()
	if res.StatusCode != 200 || body != "%PDF-1.7 quyết định số 15" {
		t.Fatalf("GET: %d %q", res.StatusCode, body)
	}
	for h, want := range map[string]string{
		"Content-Type":           "application/pdf",
		"ETag":                   `"` + sha + `"`,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "public, max-age=300", // short: a takedown must reach shared caches within minutes
		"Content-Disposition":    `attachment; filename="Quyet dinh so 15.pdf"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20s%E1%BB%91%2015.pdf`,
		"Accept-Ranges":          "bytes",
		"Content-Length":         "32",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}

	res, body = do("Range", "bytes=0-3")
	if res.StatusCode != http.StatusPartialContent || body != "%PDF" || !strings.HasPrefix(res.Header.Get("Content-Range"), "bytes 0-3/") {
		t.Errorf("Range: %d %q %q", res.StatusCode, body, res.Header.Get("Content-Range"))
	}
	res, body = do("If-None-Match", `"`+sha+`"`)
	if res.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("If-None-Match: %d %q", res.StatusCode, body)
	}

	for _, p := range []string{
		"/files/nhatrang/vi-pham/" + sha,    // taken down
		"/files/nhatrang/tin-phuong/" + sha, // visible, but does not list it
		"/files/sotttt/le-hoi/" + strings.Repeat("0", 64),
		"/files/sotttt/le-hoi/not-a-hash",
		"/files/khong/le-hoi/" + sha,
	} {
		res, doc := e.get(t, p)
		if res.StatusCode != http.StatusNotFound || doc.Find("h1").Length() != 1 {
			t.Errorf("%s: %d, want the 404 page", p, res.StatusCode)
		}
	}
}

// blobReads returns the (offset, length) of each read of a file's bytes in
// queries, and how many other queries there were.
func blobReads(queries []loggedQuery) (reads [][2]int64, others int) {
	for _, q := range queries {
		if strings.Contains(q.sql, "substring(data") {
			reads = append(reads, [2]int64{q.args[1].(int64) - 1, q.args[2].(int64)})
		} else {
			others++
		}
	}
	return reads, others
}

// A file is read from the store in chunks, only the bytes an answer sends:
// a Range reads its own bytes, a HEAD or a 304 none, and whether the file
// may be served is asked of the store once per cache miss.
func TestAttachmentStreaming(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	data := make([]byte, 600_000)
	for i := range data {
		data[i] = byte(i*7 + i/251)
	}
	copy(data, "%PDF-1.7 ")
	sha, path := e.attached(t, "bao-cao", "Báo cáo.pdf", "application/pdf", data)
	e.queries.take()

	res, body := e.do(t, http.MethodGet, path)
	if res.StatusCode != 200 || !bytes.Equal(body, data) || res.Header.Get("Content-Length") != "600000" {
		t.Fatalf("GET: %d, %d bytes, Content-Length %q", res.StatusCode, len(body), res.Header.Get("Content-Length"))
	}
	reads, others := blobReads(e.queries.take())
	if want := [][2]int64{{0, 262144}, {262144, 262144}, {524288, 75712}}; fmt.Sprint(reads) != fmt.Sprint(want) || others != 1 {
		t.Errorf("GET read %v and ran %d other queries; want the chunks %v and one look-up", reads, others, want)
	}

	for _, tt := range []struct {
		name   string
		header []string
		status int
		from   int64
		n      int
		reads  string
	}{
		{"range", []string{"Range", "bytes=300000-300009"}, 206, 300000, 10, "[[300000 10]]"},
		{"open range", []string{"Range", "bytes=599990-"}, 206, 599990, 10, "[[599990 10]]"},
		{"suffix", []string{"Range", "bytes=-4"}, 206, 599996, 4, "[[599996 4]]"},
		{"range past the end", []string{"Range", "bytes=599999-700000"}, 206, 599999, 1, "[[599999 1]]"},
		{"If-Range of the tag", []string{"Range", "bytes=0-3", "If-Range", `"` + sha + `"`}, 206, 0, 4, "[[0 4]]"},
		{"HEAD", nil, 200, 0, 0, "[]"},
		{"If-None-Match", []string{"If-None-Match", `"` + sha + `"`}, 304, 0, 0, "[]"},
		{"If-Modified-Since", []string{"If-Modified-Since", time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}, 304, 0, 0, "[]"},
		{"unsatisfiable", []string{"Range", "bytes=600000-"}, 416, 0, 0, "[]"},
	} {
		method := http.MethodGet
		if tt.name == "HEAD" {
			method = http.MethodHead
		}
		res, body := e.do(t, method, path, tt.header...)
		reads, others := blobReads(e.queries.take())
		if res.StatusCode != tt.status || !bytes.Equal(body, data[tt.from:tt.from+int64(tt.n)]) {
			t.Errorf("%s: %d with %d bytes, want %d with %d bytes from %d", tt.name, res.StatusCode, len(body), tt.status, tt.n, tt.from)
		}
		if fmt.Sprint(reads) != tt.reads || others != 0 {
			t.Errorf("%s read %v and ran %d other queries; want %s and none (the look-up is cached)", tt.name, reads, others, tt.reads)
		}
		switch tt.status {
		case 206:
			want := fmt.Sprintf("bytes %d-%d/600000", tt.from, tt.from+int64(tt.n)-1)
			if res.Header.Get("Content-Range") != want || res.Header.Get("Content-Length") != fmt.Sprint(tt.n) {
				t.Errorf("%s: Content-Range %q, Content-Length %q; want %q", tt.name, res.Header.Get("Content-Range"),
					res.Header.Get("Content-Length"), want)
			}
		case 416:
			if res.Header.Get("Content-Range") != "bytes */600000" {
				t.Errorf("%s: Content-Range %q", tt.name, res.Header.Get("Content-Range"))
			}
		case 200:
			if res.Header.Get("Content-Length") != "600000" {
				t.Errorf("%s: Content-Length %q", tt.name, res.Header.Get("Content-Length"))
			}
		}
		if res.Header.Get("ETag") != `"`+sha+`"` || res.Header.Get("Cache-Control") != "public, max-age=300" {
			t.Errorf("%s: ETag %q, Cache-Control %q", tt.name, res.Header.Get("ETag"), res.Header.Get("Cache-Control"))
		}
	}

	// Ranges the gateway does not serve as such get the whole file.
	for _, h := range [][]string{
		{"Range", "bytes=0-1,5-6"},
		{"Range", "bytes=9-2"},
		{"Range", "lines=1-2"},
		{"Range", "bytes=0-3", "If-Range", `"` + strings.Repeat("0", 64) + `"`},
		{"Range", "bytes=0-3", "If-Range", "W/\"" + sha + `"`},
	} {
		res, body := e.do(t, http.MethodGet, path, h...)
		if res.StatusCode != 200 || len(body) != len(data) {
			t.Errorf("%v: %d with %d bytes, want the whole file", h, res.StatusCode, len(body))
		}
	}
}

// attached stores data as a file and an article of sotttt, contentID,
// that attaches it under filename; it returns the file's hash and path.
func (e *env) attached(t *testing.T, contentID, filename, mediaType string, data []byte) (sha, path string) {
	t.Helper()
	sha = e.blob(t, data, mediaType)
	a := article(contentID, 1, t0, tr("vi", contentID, filename, "", ""))
	a.Attachments = []*pb.Attachment{{Sha256: sha, Filename: filename, MediaType: mediaType}}
	e.put(t, "sotttt", a)
	return sha, "/files/sotttt/" + contentID + "/" + sha
}

// A file of at most one chunk is kept in the page cache with its headers:
// after the first answer, whole or in part, it reads nothing from the store
// (under publishing the database is busy with renders, and files read from
// it were the slowest pages of the bench's load part).
func TestSmallAttachmentServedFromMemory(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	data := bytes.Repeat([]byte("STT,Chỉ tiêu,Giá trị\n1,GRDP,7.2\n"), 1000)
	_, path := e.attached(t, "so-lieu", "Số liệu.csv", "text/csv", data)
	e.queries.take()
	if res, body := e.do(t, http.MethodGet, path); res.StatusCode != 200 || !bytes.Equal(body, data) {
		t.Fatalf("first GET: %d, %d bytes", res.StatusCode, len(body))
	}
	e.queries.take()
	for _, tt := range []struct {
		header []string
		status int
		want   []byte
	}{
		{nil, 200, data},
		{[]string{"Range", "bytes=10-19"}, 206, data[10:20]},
		{[]string{"Range", "bytes=-5"}, 206, data[len(data)-5:]},
	} {
		res, body := e.do(t, http.MethodGet, path, tt.header...)
		if res.StatusCode != tt.status || !bytes.Equal(body, tt.want) || res.Header.Get("Content-Length") != fmt.Sprint(len(tt.want)) {
			t.Errorf("%v: %d with %d bytes (Content-Length %s), want %d with %d", tt.header, res.StatusCode, len(body),
				res.Header.Get("Content-Length"), tt.status, len(tt.want))
		}
		if q := e.queries.take(); len(q) != 0 {
			t.Errorf("%v: ran %d queries, want none (the file is kept in memory): %v", tt.header, len(q), q)
		}
	}
}

// A takedown announced on the bus stops the file at once, although whether
// it may be served was cached.
func TestAttachmentTakedownDropsCachedFile(t *testing.T) {
	e := newEnv(t)
	sha := seed(t, e)
	path := "/files/sotttt/le-hoi/" + sha
	if res, _ := e.do(t, http.MethodGet, path); res.StatusCode != 200 {
		t.Fatalf("GET: %d", res.StatusCode)
	}
	e.exec(t, `UPDATE items SET takedown_reason = 'Vi phạm', taken_down_at = now() WHERE content_id = 'le-hoi'`)
	if res, _ := e.do(t, http.MethodGet, path); res.StatusCode != 200 {
		t.Fatalf("before the event: %d, want the cached 200 (the test proves nothing otherwise)", res.StatusCode)
	}
	festival := article("le-hoi", 4, t0, tr("vi", "le-hoi-bien", "Lễ hội biển Nha Trang", "", ""))
	e.publish(t, "sotttt", festival, pb.ContentChange_CONTENT_CHANGE_TAKEN_DOWN)
	testenv.WaitFor(t, 10*time.Second, func() error {
		if res, _ := e.do(t, http.MethodGet, path); res.StatusCode != http.StatusNotFound {
			return fmt.Errorf("after the takedown: %d", res.StatusCode)
		}
		return nil
	})
}
