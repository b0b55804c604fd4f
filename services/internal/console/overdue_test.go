package console

import (
	"context"
	"strings"
	"testing"
)

// TestOverdueQuestions (issue 9 point 5): the ops list holds every
// tenant's unanswered questions past their due day, earliest due first,
// counted per tenant, and neither the answered nor the not yet due, nor any
// question text.
func TestOverdueQuestions(t *testing.T) {
	f := newFixture(t)
	f.addTenant("so-a", "department", "Sở A")
	f.addTenant("so-b", "department", "Sở B")
	b := f.browser()
	b.login("xem")
	_, doc := b.get("/qua-han")
	if doc.Find("#overdue-none").Length() != 1 {
		t.Errorf("no question yet: %q", text(doc, "main"))
	}
	// testNow is 2 December 2026.
	for i, q := range []struct{ tenant, status, due string }{
		{"so-a", "received", "2026-11-20"}, {"so-b", "in_progress", "2026-11-25"}, {"so-a", "forwarded", "2026-12-01"},
		{"so-a", "answered", "2026-11-01"}, {"so-b", "closed", "2026-11-01"}, {"so-b", "received", "2026-12-02"},
	} {
		if _, err := f.store.Pool().Exec(context.Background(), `INSERT INTO feedback (id, tracking_code, request_id, tenant_id, topic,
			question, lang, contact, has_email, has_phone, consent_version, status, due_on)
			VALUES ($1, $2, $1, $3, 'procedure', 'Câu hỏi bí mật', 'vi', '\x00', true, false, 'x', $4, $5)`,
			strings.Repeat(string(rune('a'+i)), 32), strings.Repeat(string(rune('A'+i)), 12), q.tenant, q.status, q.due); err != nil {
			t.Fatal(err)
		}
	}
	_, doc = b.get("/qua-han")
	rows := doc.Find("#od-caption").Closest("table").Find("tbody tr")
	if rows.Length() != 3 {
		t.Fatalf("%d overdue rows, want 3: %q", rows.Length(), text(doc, "tbody"))
	}
	if first := strings.TrimSpace(rows.Eq(0).Find("code").Text()); first != "aaaaaaaa" {
		t.Errorf("first row %q, want the earliest due", first)
	}
	if got := text(doc, `ul[aria-labelledby="by-tenant"]`); !strings.Contains(got, "so-a: 2") || !strings.Contains(got, "so-b: 1") {
		t.Errorf("counts per tenant %q", got)
	}
	if strings.Contains(doc.Text(), "bí mật") {
		t.Error("the question's text is shown")
	}
}
