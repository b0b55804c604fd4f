package backoffice

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/contentrules"
	"github.com/portalhub/portalhub/services/contentrules/filecases"
)

func zipFile(t *testing.T, kv ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(kv); i += 2 {
		w, err := zw.Create(kv[i])
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

func ooxml(t *testing.T, main, part string) []byte {
	return zipFile(t, "[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Override PartName="/`+part+`" ContentType="`+main+`"/></Types>`, part, "<x/>")
}

// ZIP archives are taken only as office documents whose content says so.
func TestZIPUploads(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	docx := ooxml(t, "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", "word/document.xml")
	xlsx := ooxml(t, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/workbook.xml")
	plain := zipFile(t, "readme.txt", "xin chào")
	jar := zipFile(t, "META-INF/MANIFEST.MF", "Manifest-Version: 1.0\n", "Evil.class", "\xca\xfe\xba\xbe")
	for _, tc := range []struct {
		name string
		f    file
		want string
	}{
		{"zip", file{"files", "Tài liệu.zip", plain}, "tệp nén (ZIP, JAR, APK…) không được đính kèm"},
		{"jar", file{"files", "ung-dung.jar", jar}, "tệp nén (ZIP, JAR, APK…) không được đính kèm"},
		{"apk", file{"files", "ung-dung.apk", jar}, "tệp nén (ZIP, JAR, APK…) không được đính kèm"},
		{"docx in a zip", file{"files", "Báo cáo.zip", docx}, "tệp nén (ZIP, JAR, APK…) không được đính kèm"},
		{"zip named docx", file{"files", "Báo cáo.docx", plain}, "có đuôi .docx nhưng không phải tài liệu văn phòng"},
		{"jar named docx", file{"files", "Báo cáo.docx", jar}, "có đuôi .docx nhưng không phải tài liệu văn phòng"},
		{"xlsx named docx", file{"files", "Báo cáo.docx", xlsx}, "có đuôi .docx nhưng nội dung lại là bảng tính Excel"},
	} {
		before := f.revisionCount()
		resp, doc := b.postMultipart("/noi-dung/moi?kind=article", article("Bài có tệp nén"), tc.f)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", tc.name, resp.StatusCode)
		}
		if got := errorSummary(doc); !strings.Contains(got, tc.want) {
			t.Errorf("%s: errors %q, want %q", tc.name, got, tc.want)
		}
		if got := f.revisionCount(); got != before {
			t.Errorf("%s: a revision was stored", tc.name)
		}
	}
	resp, doc := b.postMultipart("/noi-dung/moi?kind=article", article("Bài có văn bản Word"), file{"files", "Kế hoạch.docx", docx})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("docx: %d %q", resp.StatusCode, errorSummary(doc))
	}
	_, doc = b.get(location(t, resp))
	if got := doc.Find(`input[name="att_0_media_type"]`).AttrOr("value", ""); got != "application/vnd.openxmlformats-officedocument.wordprocessingml.document" {
		t.Errorf("docx stored as %q", got)
	}
}

// The shared table of files gets the same verdict from the back office's
// upload path as from UploadBlob at the hub and the API's /api/blobs (their
// tests run the same table): taken files are stored with the policy's type,
// refused ones come back with the policy's Vietnamese reason and store
// nothing.
func TestUploadFileCases(t *testing.T) {
	f := newFixture(t)
	b := f.login("tacgia")
	for _, c := range filecases.Cases() {
		t.Run(c.Name, func(t *testing.T) {
			before, blobs := f.revisionCount(), f.blobCount()
			resp, doc := b.postMultipart("/noi-dung/moi?kind=article", article("Bài có tệp"), file{"files", c.Filename, c.Data})
			if c.Reason == "" {
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("status %d (%q), want 303", resp.StatusCode, errorSummary(doc))
				}
				sum := sha256.Sum256(c.Data)
				var mt string
				if err := f.store.Pool().QueryRow(t.Context(), `SELECT media_type FROM blobs WHERE sha256 = $1`, hex.EncodeToString(sum[:])).Scan(&mt); err != nil || mt != c.Want {
					t.Errorf("stored as %q (%v), want %q", mt, err, c.Want)
				}
				return
			}
			if resp.StatusCode != http.StatusBadRequest {
				t.Errorf("status %d, want 400", resp.StatusCode)
			}
			_, err := contentrules.DetectFile(c.Filename, c.Data)
			var fe *contentrules.FileError
			if !errors.As(err, &fe) || fe.Reason != c.Reason {
				t.Fatalf("the policy says %v, the table %s", err, c.Reason)
			}
			if got := errorSummary(doc); !strings.Contains(got, strings.Join(strings.Fields(fe.MessageVI), " ")) {
				t.Errorf("errors %q, want %q", got, fe.MessageVI)
			}
			if got := f.revisionCount(); got != before {
				t.Errorf("a revision was stored")
			}
			if got := f.blobCount(); got != blobs {
				t.Errorf("a file was stored")
			}
		})
	}
}

func (f *fixture) blobCount() int {
	f.t.Helper()
	var n int
	if err := f.store.Pool().QueryRow(f.t.Context(), `SELECT count(*) FROM blobs`).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}
