package hubstore

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
	"github.com/portalhub/portalhub/services/contentrules"
)

// findable counts the documents of the index that match a folded query.
func findable(t *testing.T, s *Store, query string) int {
	t.Helper()
	return count(t, s, `SELECT count(*) FROM search_docs WHERE tsv @@ plainto_tsquery('portalhub', $1)`, query)
}

func TestIndexFollowsVisibility(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	it := article("le-hoi", 1, "Lễ hội biển Nha Trang", "le-hoi-bien")
	it.Translations = append(it.Translations, &pb.Translation{Locale: "en", Title: "Sea festival", Slug: "sea-festival"})
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi bien"); got != 1 {
		t.Fatalf("published: %d documents found, want 1", got)
	}
	if got := findable(t, s, "festivals"); got != 1 {
		t.Fatalf("English stemming: %d documents found for festivals, want 1", got)
	}

	// A new version without the English translation drops its document.
	it.Version, it.Translations = 2, it.Translations[:1]
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	if got := count(t, s, `SELECT count(*) FROM search_docs`); got != 1 {
		t.Errorf("after dropping a translation: %d documents, want 1", got)
	}

	if err := s.TakeDown(ctx, "ops", "tenant-a", "le-hoi", "vi phạm"); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi"); got != 0 {
		t.Errorf("taken down: %d found, want 0", got)
	}
	if err := s.LiftTakedown(ctx, "ops", "tenant-a", "le-hoi"); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi"); got != 1 {
		t.Errorf("takedown lifted: %d found, want 1", got)
	}

	for i, state := range []pb.PublicationState{pb.PublicationState_PUBLICATION_STATE_WITHDRAWN, pb.PublicationState_PUBLICATION_STATE_GONE} {
		it.Version = uint64(3 + i)
		it.State = state
		it.Unpublishing = &pb.Unpublishing{Reason: "Hết hiệu lực"}
		if _, err := push(t, s, "tenant-a", it); err != nil {
			t.Fatal(err)
		}
		if got := findable(t, s, "le hoi"); got != 0 {
			t.Errorf("%v: %d found, want 0", state, got)
		}
	}
	it.Version, it.State, it.Unpublishing = 5, pb.PublicationState_PUBLICATION_STATE_PUBLISHED, nil
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	if got := findable(t, s, "le hoi"); got != 1 {
		t.Errorf("published again: %d found, want 1", got)
	}
}

func TestIndexReadsAttachments(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	files := []struct {
		name, mediaType string
		data            []byte
		word            string
	}{
		{"to-trinh.pdf", contentrules.MediaPDF, minimalPDF("Phu luc danh muc thiet bi quang pho"), "quang pho"},
		{"bao-cao.docx", contentrules.MediaDOCX, officeZip(map[string]string{
			"[Content_Types].xml": `<Types/>`,
			"word/document.xml":   `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Kính hiển vi điện tử</w:t></w:r></w:p></w:body></w:document>`,
		}), "kinh hien vi"},
		{"so-lieu.ods", contentrules.MediaODS, officeZip(map[string]string{
			"mimetype":    "application/vnd.oasis.opendocument.spreadsheet",
			"content.xml": `<office:document-content xmlns:office="o" xmlns:text="t"><text:p>Lượt khách Nga</text:p></office:document-content>`,
		}), "luot khach nga"},
	}
	it := article("mua-sam", 1, "Mua sắm thiết bị", "mua-sam")
	for _, f := range files {
		sum := sha256.Sum256(f.data)
		if _, err := s.PutBlob(ctx, "tenant-a", sum, f.mediaType, f.data); err != nil {
			t.Fatalf("PutBlob(%s): %v", f.name, err)
		}
		it.Attachments = append(it.Attachments, &pb.Attachment{Sha256: hex.EncodeToString(sum[:]), Filename: f.name, MediaType: f.mediaType})
	}
	if _, err := push(t, s, "tenant-a", it); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if got := findable(t, s, f.word); got != 1 {
			var text, msg string
			sum := sha256.Sum256(f.data)
			_ = s.pool.QueryRow(ctx, `SELECT text, error FROM blob_texts WHERE sha256 = $1`, sum[:]).Scan(&text, &msg)
			t.Errorf("%s: %q found in %d documents, want 1 (extracted %q, error %q)", f.name, f.word, got, text, msg)
		}
	}
}

// minimalPDF is a one-page PDF showing text (ASCII) in Helvetica.
func minimalPDF(text string) []byte {
	stream := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (%s) Tj ET", text)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func officeZip(parts map[string]string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for name, content := range parts {
		f, _ := w.Create(name)
		f.Write([]byte(content))
	}
	w.Close()
	return b.Bytes()
}
