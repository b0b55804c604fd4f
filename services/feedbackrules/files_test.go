package feedbackrules

import (
	"bytes"
	"reflect"
	"testing"
)

var (
	pdf = []byte("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
	png = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 17)...)
)

func TestCheckFiles(t *testing.T) {
	for _, c := range []struct {
		name  string
		files []File
		want  []Problem
	}{
		{"a PDF and an image", []File{{"don.pdf", pdf}, {"anh.png", png}}, nil},
		{"four files", []File{{"1.pdf", pdf}, {"2.pdf", pdf}, {"3.pdf", pdf}, {"4.pdf", pdf}}, []Problem{{"attachments", TooMany}}},
		{"too large", []File{{"lon.pdf", append(bytes.Clone(pdf), make([]byte, MaxFileBytes)...)}}, []Problem{{"attachments", TooLarge}}},
		{"empty", []File{{"rong.pdf", nil}}, []Problem{{"attachments", FileEmpty}}},
		{"a PDF named as an image", []File{{"anh.jpg", pdf}}, []Problem{{"attachments", FileType}}},
		{"a Word document", []File{{"don.txt", []byte("văn bản")}}, []Problem{{"attachments", FileType}}},
		{"a page", []File{{"x.html", []byte("<html><script>alert(1)</script></html>")}}, []Problem{{"attachments", FileType}}},
	} {
		f := valid()
		f.Files = c.files
		if got := Check(f, nil); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
	if mt, code := FileMediaType(File{"anh.png", png}); mt != "image/png" || code != "" {
		t.Errorf("FileMediaType(png) = %q, %q", mt, code)
	}
}
