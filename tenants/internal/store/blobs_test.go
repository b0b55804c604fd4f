package store_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/tenants/internal/errs"
	"github.com/portalhub/portalhub/tenants/internal/store"
	"github.com/portalhub/portalhub/tenants/internal/storetest"
)

// zipOf builds a ZIP archive of name/content pairs, in order (the first
// stored, as OpenDocument's mimetype entry must be).
func zipOf(t *testing.T, kv ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(kv); i += 2 {
		method := zip.Deflate
		if i == 0 {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: kv[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(kv[i+1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func contentTypes(main, part string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="` + part + `" ContentType="` + main + `"/>
</Types>`
}

const (
	wordMain  = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	excelMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	pptMain   = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
	docxType  = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	xlsxType  = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	pptxType  = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

func TestDetectMediaTypeZIP(t *testing.T) {
	docx := zipOf(t, "[Content_Types].xml", contentTypes(wordMain, "/word/document.xml"),
		"_rels/.rels", "<Relationships/>", "word/document.xml", "<w:document/>")
	xlsx := zipOf(t, "[Content_Types].xml", contentTypes(excelMain, "/xl/workbook.xml"),
		"xl/workbook.xml", "<workbook/>")
	pptx := zipOf(t, "[Content_Types].xml", contentTypes(pptMain, "/ppt/presentation.xml"),
		"ppt/presentation.xml", "<p:presentation/>")
	odt := zipOf(t, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<office:document-content/>")
	ods := zipOf(t, "mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", "<x/>")
	odp := zipOf(t, "mimetype", "application/vnd.oasis.opendocument.presentation", "content.xml", "<x/>")
	plain := zipOf(t, "readme.txt", "xin chào", "data/a.csv", "a,b\n1,2\n")
	jar := zipOf(t, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\nMain-Class: Evil\n", "Evil.class", "\xca\xfe\xba\xbe")
	apk := zipOf(t, "AndroidManifest.xml", "\x03\x00\x08\x00", "classes.dex", "dex\n035\x00")
	// Declares a Word main part the archive does not hold.
	hollow := zipOf(t, "[Content_Types].xml", contentTypes(wordMain, "/word/document.xml"), "other.xml", "<x/>")
	// A macro-enabled document is no .docx.
	docm := zipOf(t, "[Content_Types].xml", contentTypes("application/vnd.ms-word.document.macroEnabled.main+xml", "/word/document.xml"),
		"word/document.xml", "<w:document/>")
	// An OpenDocument mimetype for something not taken (a formula).
	odf := zipOf(t, "mimetype", "application/vnd.oasis.opendocument.formula", "content.xml", "<x/>")

	for _, tc := range []struct {
		name string
		data []byte
		want string
		err  error
	}{
		{"Báo cáo.docx", docx, docxType, nil},
		{"BÁO CÁO.DOCX", docx, docxType, nil},
		{"Số liệu.xlsx", xlsx, xlsxType, nil},
		{"Trình chiếu.pptx", pptx, pptxType, nil},
		{"Công văn.odt", odt, "application/vnd.oasis.opendocument.text", nil},
		{"Bảng.ods", ods, "application/vnd.oasis.opendocument.spreadsheet", nil},
		{"Trình chiếu.odp", odp, "application/vnd.oasis.opendocument.presentation", nil},
		// Labelled by content, not by name.
		{"Số liệu.docx", xlsx, xlsxType, nil},
		{"Báo cáo.xlsx", docx, docxType, nil},
		// Not office documents.
		{"Tài liệu.zip", plain, "", store.ErrArchive},
		{"Tài liệu.zip", docx, "", store.ErrArchive}, // a ZIP only under an office name
		{"không tên", docx, "", store.ErrArchive},
		{"app.jar", jar, "", store.ErrArchive},
		{"app.apk", apk, "", store.ErrArchive},
		{"không tên", plain, "", store.ErrArchive},
		{"Báo cáo.docx", plain, "", store.ErrNotOffice},
		{"Báo cáo.docx", jar, "", store.ErrNotOffice},
		{"Báo cáo.docx", hollow, "", store.ErrNotOffice},
		{"Báo cáo.docx", docm, "", store.ErrNotOffice},
		{"Công thức.odt", odf, "", store.ErrNotOffice},
		{"Hỏng.docx", []byte("PK\x03\x04 not really a zip"), "", store.ErrNotOffice},
	} {
		got, err := store.DetectMediaType(tc.name, tc.data)
		if tc.err != nil {
			if !errors.Is(err, tc.err) || errs.KindOf(err) != errs.UnsupportedMediaType {
				t.Errorf("DetectMediaType(%s) = %q, %v; want %v", tc.name, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("DetectMediaType(%s) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
	if e := errs.As(store.ErrArchive); e == nil || !strings.Contains(e.MessageVI, "Không nhận tệp nén") {
		t.Errorf("ErrArchive's Vietnamese message: %v", store.ErrArchive)
	}
}

func TestPutBlobRefusesArchives(t *testing.T) {
	s, _ := storetest.New(t)
	if _, err := s.PutBlob(t.Context(), "mã nguồn.zip", zipOf(t, "main.go", "package main")); !errors.Is(err, store.ErrArchive) {
		t.Errorf("PutBlob(.zip) err = %v, want ErrArchive", err)
	}
	if n := count(t, s, `SELECT count(*) FROM blobs`); n != 0 {
		t.Errorf("%d blobs stored", n)
	}
}
