package pagecache

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strings"
)

// ETag returns the strong entity tag of a representation whose bytes are
// body: a quoted hash of the bytes (the first 144 bits of their SHA-256,
// base64url), so equal bytes always carry equal tags, on every instance of
// the gateway, and a changed page a new one.
//
// A compressed form of a page is another representation and needs its own
// tag (e.g. the same hash with a suffix), or else Vary: Accept-Encoding.
func ETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// NotModified reports whether a GET or HEAD request's If-None-Match header
// lists etag (or is "*"), so that it is answered 304 Not Modified. Entity
// tags are compared weakly, as RFC 9110 (13.1.2) wants for If-None-Match: a
// W/ prefix is ignored. A request without If-None-Match is not "not
// modified": If-Modified-Since is for answers without an entity tag.
func NotModified(r *http.Request, etag string) bool {
	if etag == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	for _, v := range r.Header.Values("If-None-Match") {
		if noneMatch(v, etag) {
			return true
		}
	}
	return false
}

// noneMatch reports whether one If-None-Match field value ("*" or a
// comma-separated list of entity tags) matches etag weakly.
func noneMatch(list, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for {
		list = strings.TrimLeft(list, " \t,")
		if list == "" {
			return false
		}
		if list[0] == '*' {
			return true
		}
		tag, rest, ok := scanETag(list)
		if !ok {
			return false // not a list of entity tags: no match
		}
		if strings.TrimPrefix(tag, "W/") == etag {
			return true
		}
		list = rest
	}
}

// scanETag reads one entity tag (W/"..." or "...") from the start of s and
// returns it with what follows it.
func scanETag(s string) (tag, rest string, ok bool) {
	start := s
	s = strings.TrimPrefix(s, "W/")
	if len(s) < 2 || s[0] != '"' {
		return "", "", false
	}
	end := strings.IndexByte(s[1:], '"')
	if end < 0 {
		return "", "", false
	}
	n := len(start) - len(s) + end + 2
	return start[:n], start[n:], true
}

// StrongMatch reports whether an If-Range entity tag names etag exactly
// (strong comparison, RFC 9110 13.1.5: weak tags never match).
func StrongMatch(tag, etag string) bool {
	return !strings.HasPrefix(tag, "W/") && tag == etag
}
