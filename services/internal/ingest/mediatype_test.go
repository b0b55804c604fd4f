package ingest

import (
	"archive/zip"
	"bytes"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, n := range names {
		f, err := w.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte("x"))
	}
	w.Close()
	return b.Bytes()
}

func TestDetectMediaType(t *testing.T) {
	tests := []struct {
		name, claim string
		data        []byte
		want        string // "" means refused
	}{
		{"pdf", "", []byte("%PDF-1.4 ..."), "application/pdf"},
		{"png", "image/jpeg", []byte("\x89PNG\r\n\x1a\n...."), "image/png"},
		{"jpeg", "", []byte("\xff\xd8\xff\xe0..JFIF"), "image/jpeg"},
		{"gif", "", []byte("GIF89a...."), "image/gif"},
		{"webp", "", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "image/webp"},
		{"docx", "", zipWith(t, "[Content_Types].xml", "word/document.xml"), mediaDOCX},
		{"xlsx", "", zipWith(t, "[Content_Types].xml", "xl/workbook.xml"), mediaXLSX},
		{"zip", "", zipWith(t, "a.txt"), "application/zip"},
		{"doc", "application/msword", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1...."), "application/msword"},
		{"csv", "text/csv", []byte("a,b\n1,2\n"), "text/csv; charset=utf-8"},
		{"text", "text/html", []byte("xin chào"), "text/plain; charset=utf-8"},
		{"json", "application/json", []byte(`{"a": 1}`), "application/json"},
		{"html", "text/plain", []byte("<html><body>x</body></html>"), ""},
		{"html with bom", "", []byte("\xef\xbb\xbf  <!doctype html><p>x"), ""},
		{"svg", "image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), ""},
		{"xml", "", []byte(`<?xml version="1.0"?><a/>`), ""},
		{"script in text", "", []byte(`hello <script>alert(1)</script>`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DetectMediaType(tt.data, tt.claim)
			if tt.want == "" {
				if status.Code(err) != codes.InvalidArgument {
					t.Fatalf("got %q, %v; want refused", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
