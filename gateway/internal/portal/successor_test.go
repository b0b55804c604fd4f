package portal_test

import (
	"net/http"
	"testing"

	pb "github.com/portalhub/portalhub/proto/gen/portalhub/v1"
)

// A redirected item whose successor cannot be found (the hub refuses such a
// push, but a replica may lack the successor, or it may have been removed)
// answers 410 with the gone page: a published URL never silently 404s.
func TestMissingSuccessorIsGone(t *testing.T) {
	e := newEnv(t)
	seed(t, e)
	orphan := article("bai-mo-coi", 2, t0, tr("vi", "bai-mo-coi", "Bài mồ côi", "", ""))
	orphan.State = pb.PublicationState_PUBLICATION_STATE_REDIRECTED
	orphan.Unpublishing = &pb.Unpublishing{Successor: &pb.ContentRef{Tenant: "nhatrang", ContentId: "khong-ton-tai"}}
	e.put(t, "sotttt", orphan)
	for lang, h1 := range map[string]string{"vi": "Nội dung không còn", "en": ""} {
		res, doc := e.get(t, "/"+lang+"/sotttt/bai-mo-coi")
		wantStatus(t, res, http.StatusGone)
		checkLayout(t, res, doc, lang)
		_, gone := e.get(t, "/"+lang+"/sotttt/bai-xoa") // the normal gone page
		if got, want := oneH1(t, doc), text(gone, "h1"); got != want || (h1 != "" && got != h1) {
			t.Errorf("%s: h1 = %q, want the gone page's %q", lang, got, want)
		}
		if res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q", res.Header.Get("Cache-Control"))
		}
	}
}
