package portal_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/portalhub/portalhub/services/feedbackrules"
)

// TestFeedbackDelete is the visitor's side of deleting a question's
// personal data (issue 9 point 6): the status page links the form; the form
// (CSRF, honeypot) hands the code to the hub and says the same whatever the
// hub found; the e-mailed link's page deletes only on its button's POST;
// a used or unknown link says so; the status page then shows the day.
func TestFeedbackDelete(t *testing.T) {
	hub := newFakeHub()
	e := feedbackEnv(t, hub, nil)
	v := newVisitor(t, e)
	_, form := v.get("/vi/feedback")
	_, done := v.post("/vi/feedback", fillForm(form, goodAnswers()))
	code := text(done, ".tracking-code")
	plain, ok := feedbackrules.NormalizeCode(code)
	if !ok {
		t.Fatalf("tracking code %q", code)
	}

	_, st := v.get("/en/feedback/status?code=" + code)
	link := attr(st, ".delete-link a", "href")
	if link != "/en/feedback/delete?code="+code {
		t.Fatalf("status page links deletion as %q", link)
	}
	res, doc := v.get(link)
	wantStatus(t, res, http.StatusOK)
	if res.Header.Get("Cache-Control") != "no-store" || res.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers %v", res.Header)
	}
	if got := attr(doc, "#fb-code", "value"); got != code || doc.Find(`label[for="fb-code"]`).Length() != 1 {
		t.Errorf("the form's code %q, want %q with its label", got, code)
	}

	// A form without its token is refused; a bad code is shown again.
	if res, _ := v.post("/en/feedback/delete", url.Values{"code": {code}}); res.StatusCode != http.StatusForbidden {
		t.Errorf("without the CSRF token: %d, want 403", res.StatusCode)
	}
	res, doc = v.post("/en/feedback/delete", fillForm(doc, url.Values{"code": {"not a code"}}))
	if res.StatusCode != http.StatusUnprocessableEntity || attr(doc, "#fb-code", "aria-invalid") != "true" {
		t.Errorf("a bad code: %d, aria-invalid %q", res.StatusCode, attr(doc, "#fb-code", "aria-invalid"))
	}
	if len(hub.eraseRequests) != 0 {
		t.Fatalf("the hub was asked %d times before a valid request", len(hub.eraseRequests))
	}
	_, doc = v.get(link)
	res, doc = v.post("/en/feedback/delete", fillForm(doc, url.Values{"code": {strings.ToLower(code)}}))
	wantStatus(t, res, http.StatusOK)
	sent := text(doc, "main .notice")
	if len(hub.eraseRequests) != 1 || hub.eraseRequests[0].GetTrackingCode() != plain || hub.eraseRequests[0].GetLang() != "en" {
		t.Fatalf("the hub received %v, want the normalised code in English", hub.eraseRequests)
	}
	// An unknown code reads the same.
	_, doc = v.get("/en/feedback/delete")
	_, other := v.post("/en/feedback/delete", fillForm(doc, url.Values{"code": {"7KQ2-M9XD-4TBH"}}))
	if got := text(other, "main .notice"); got != strings.ReplaceAll(sent, code, "7KQ2-M9XD-4TBH") {
		t.Errorf("an unknown code answered %q, a known one %q", got, sent)
	}

	// The link's page: GET shows the button and deletes nothing.
	token := "token-" + plain
	res, doc = v.get("/en/feedback/delete/confirm?t=" + token)
	wantStatus(t, res, http.StatusOK)
	if attr(doc, `form[action="/en/feedback/delete/confirm"] input[name="t"]`, "value") != token || len(hub.erased) != 0 {
		t.Fatalf("confirmation page: token %q, %d deleted", attr(doc, `input[name="t"]`, "value"), len(hub.erased))
	}
	res, doc = v.post("/en/feedback/delete/confirm", url.Values{"t": {token}})
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(text(doc, "main .notice"), "1 December 2026") {
		t.Errorf("done page %q", text(doc, "main .notice"))
	}
	if res, _ := v.post("/en/feedback/delete/confirm", url.Values{"t": {token}}); res.StatusCode != http.StatusNotFound {
		t.Errorf("the link used again: %d, want 404", res.StatusCode)
	}
	_, st = v.get("/en/feedback/status?code=" + code)
	if text(st, "#erased-on") == "" || st.Find(".delete-link").Length() != 0 {
		t.Errorf("status after deletion: erased %q, delete link %d", text(st, "#erased-on"), st.Find(".delete-link").Length())
	}

	// The hub away: nothing deleted, said so.
	hub.down = true
	if res, _ := v.post("/ru/feedback/delete/confirm", url.Values{"t": {"token-x"}}); res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("the hub away: %d, want 503", res.StatusCode)
	}
}
