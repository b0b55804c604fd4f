package backoffice

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// TestUnpublishFormRefusesWhatTheHubWould: a request to withdraw or
// redirect that the hub would refuse comes back on the item's page with the
// hub's reason at the input concerned, and nothing is stored.
func TestUnpublishFormRefusesWhatTheHubWould(t *testing.T) {
	f := newFixture(t)
	if _, err := f.store.Approve(context.Background(), storeArticle("tin", "Tin cũ")); err != nil {
		t.Fatal(err)
	}
	b := f.login("bientap")
	before := f.revisionCount()
	tests := []struct {
		name   string
		form   url.Values
		input  string
		reason string
	}{
		{"withdraw without reason", url.Values{"mode": {"withdraw"}, "reason": {" "}}, "reason", "MISSING_REASON"},
		{"redirect to an item and a URL", url.Values{"mode": {"redirect"}, "successor_tenant": {"so-du-lich"}, "successor_id": {"tin-moi"},
			"successor_url": {"https://khanhhoa.gov.vn/"}}, "successor_id", "INVALID_SUCCESSOR"},
		{"redirect to nothing", url.Values{"mode": {"redirect"}, "successor_tenant": {"so-du-lich"}}, "successor_id", "INVALID_SUCCESSOR"},
		{"redirect to a malformed URL", url.Values{"mode": {"redirect"}, "successor_url": {"javascript:alert(1)"}}, "successor_url", "INVALID_SUCCESSOR"},
		{"redirect to an item of no tenant", url.Values{"mode": {"redirect"}, "successor_id": {"tin-moi"}}, "successor_tenant", "INVALID_SUCCESSOR"},
	}
	for _, tt := range tests {
		resp, doc := b.postForm("/noi-dung/tin/go", tt.form)
		if resp.StatusCode != http.StatusBadRequest || doc.Find("#err-"+tt.input).Length() != 1 ||
			doc.Find(`.error-summary li[data-reason="`+tt.reason+`"] a[href="#`+tt.input+`"]`).Length() != 1 {
			t.Errorf("%s: status %d, errors %q; want 400 with %s at #%s", tt.name, resp.StatusCode, errorSummary(doc), tt.reason, tt.input)
		}
	}
	if n := f.revisionCount(); n != before {
		t.Errorf("refused requests stored %d revisions", n-before)
	}
	resp, _ := b.postForm("/noi-dung/tin/go", url.Values{"mode": {"withdraw"}, "reason": {"Thông tin đã cũ"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a good withdrawal: status %d", resp.StatusCode)
	}
}
