package ingest

import (
	"archive/zip"
	"bytes"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/portalhub/portalhub/services/contentrules"
)

// Office formats recognised inside ZIP containers.
const (
	mediaDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	mediaXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mediaPPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

// oleClaims are the legacy Office types a file in the OLE compound format
// may claim (the container does not say which it is).
var oleClaims = map[string]bool{
	"application/msword":            true,
	"application/vnd.ms-excel":      true,
	"application/vnd.ms-powerpoint": true,
}

// textClaims are the text types a plain-text file may claim.
var textClaims = map[string]string{
	"text/csv":                  "text/csv; charset=utf-8",
	"application/json":          "application/json",
	"text/plain":                "text/plain; charset=utf-8",
	"text/tab-separated-values": "text/tab-separated-values; charset=utf-8",
}

// DetectMediaType types a file from its content (claimed only chooses
// between types the content cannot tell apart, such as CSV and plain text).
// It refuses, with INVALID_FORMAT, anything a browser could run: HTML, SVG
// and other XML.
func DetectMediaType(data []byte, claimed string) (string, error) {
	claim, _, _ := mime.ParseMediaType(claimed)
	claim = strings.ToLower(claim)
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf", nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg", nil
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "image/gif", nil
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		return "image/webp", nil
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return zipType(data), nil
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
		if oleClaims[claim] {
			return claim, nil
		}
		return "application/x-ole-storage", nil
	}
	if activeContent(data) {
		return "", activeRefusal()
	}
	sniffed := http.DetectContentType(data)
	base, _, _ := mime.ParseMediaType(sniffed)
	switch {
	case base == "text/html", base == "text/xml", base == "application/xml", base == "image/svg+xml":
		return "", activeRefusal()
	case base == "text/plain":
		if !utf8.Valid(data) {
			return sniffed, nil // UTF-16 with a BOM, as sniffed
		}
		if t, ok := textClaims[claim]; ok {
			return t, nil
		}
		return "text/plain; charset=utf-8", nil
	}
	return sniffed, nil
}

// activeContent reports markup a browser would render or run, looking at
// the start of the file (after a BOM and white space), case-insensitively.
func activeContent(data []byte) bool {
	head := data
	if len(head) > 1024 {
		head = head[:1024]
	}
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	head = bytes.ToLower(bytes.TrimLeft(head, " \t\r\n\f"))
	for _, p := range []string{"<?xml", "<svg", "<!doctype", "<html", "<head", "<body", "<script", "<iframe", "<!--", "<xsl", "<?xsl"} {
		if bytes.HasPrefix(head, []byte(p)) {
			return true
		}
	}
	return bytes.Contains(head, []byte("<svg")) || bytes.Contains(head, []byte("<script")) || bytes.Contains(head, []byte("<html"))
}

func activeRefusal() error {
	return contentrules.Refuse(contentrules.ReasonInvalidFormat, "chunk",
		"HTML, SVG and XML files are not accepted: they can carry active content",
		"Không chấp nhận tệp HTML, SVG hay XML vì có thể chứa mã thực thi")
}

// zipType tells Office Open XML and OpenDocument files from other ZIP files.
func zipType(data []byte) string {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "application/zip"
	}
	for _, f := range zr.File {
		switch {
		case f.Name == "mimetype" && f.Method == zip.Store && f.UncompressedSize64 < 100:
			rc, err := f.Open()
			if err != nil {
				continue
			}
			var b [100]byte
			n, _ := rc.Read(b[:])
			rc.Close()
			if t := string(b[:n]); strings.HasPrefix(t, "application/vnd.oasis.opendocument.") {
				return t
			}
		case strings.HasPrefix(f.Name, "word/"):
			return mediaDOCX
		case strings.HasPrefix(f.Name, "xl/"):
			return mediaXLSX
		case strings.HasPrefix(f.Name, "ppt/"):
			return mediaPPTX
		}
	}
	return "application/zip"
}
