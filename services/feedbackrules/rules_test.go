package feedbackrules

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func valid() Form {
	return Form{RequestID: "abcdefghijklmnop", Topic: "procedure", Question: "Thủ tục cấp phép lữ hành quốc tế cần những giấy tờ gì?",
		Name: "Nguyễn Văn A", Email: "a@example.vn", Lang: "vi", Consent: true}
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(*Form)
		want   []Problem
	}{
		{"valid", func(*Form) {}, nil},
		{"phone only", func(f *Form) { f.Email, f.Phone = "", "0258 3822 111" }, nil},
		{"no contact", func(f *Form) { f.Email = "" }, []Problem{{"email", Contact}}},
		{"bad e-mail", func(f *Form) { f.Email = "A <a@example.vn>" }, []Problem{{"email", Invalid}}},
		{"bad phone", func(f *Form) { f.Phone = "12ab" }, []Problem{{"phone", Invalid}}},
		{"short phone", func(f *Form) { f.Phone = "1234" }, []Problem{{"phone", Invalid}}},
		{"no consent", func(f *Form) { f.Consent = false }, []Problem{{"consent", Required}}},
		{"long question", func(f *Form) { f.Question = strings.Repeat("ă", MaxQuestion+1) }, []Problem{{"question", TooLong}}},
		{"question at the limit", func(f *Form) { f.Question = strings.Repeat("ă", MaxQuestion) }, nil},
		{"empty", func(f *Form) { *f = Form{RequestID: f.RequestID, Lang: "en"} },
			[]Problem{{"topic", Required}, {"question", Required}, {"name", Required}, {"email", Contact}, {"consent", Required}}},
		{"unknown topic", func(f *Form) { f.Topic = "spam" }, []Problem{{"topic", Invalid}}},
		{"bad tenant", func(f *Form) { f.Tenant = "../x" }, []Problem{{"tenant", Invalid}}},
		{"bad request id", func(f *Form) { f.RequestID = "x" }, []Problem{{"request_id", Invalid}}},
		{"control character", func(f *Form) { f.Name = "A\x00B" }, []Problem{{"name", Invalid}}},
		{"comment on a draft", func(f *Form) {
			f.Topic, f.ConsultationTenant, f.ConsultationID = TopicConsultation, "so-tu-phap", "du-thao-quy-che"
		}, nil},
		{"comment with a chosen topic", func(f *Form) { f.ConsultationTenant, f.ConsultationID = "so-tu-phap", "du-thao" },
			[]Problem{{"topic", Invalid}}},
		{"comment on a malformed draft", func(f *Form) {
			f.Topic, f.ConsultationTenant, f.ConsultationID = TopicConsultation, "so-tu-phap", "../x"
		}, []Problem{{"consultation", Invalid}}},
		{"consultation topic without a draft", func(f *Form) { f.Topic = TopicConsultation }, []Problem{{"topic", Invalid}}},
	} {
		f := valid()
		c.change(&f)
		broken := Normalize(&f)
		if got := Check(f, broken); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	f := valid()
	f.Question = "  Hoa\u0300 bi\u0300nh la\u0300 ca\u0301i gi\u0300 vậy?\r\nCảm ơn.  " // NFD, CRLF
	f.Name = "NguyÔn V¨n A"                                                             // TCVN3
	if broken := Normalize(&f); len(broken) != 0 {
		t.Fatalf("broken %v", broken)
	}
	if want := "Hoà bình là cái gì vậy?\nCảm ơn."; f.Question != want {
		t.Errorf("question %q, want %q", f.Question, want)
	}
	if want := "Nguyễn Văn A"; f.Name != want {
		t.Errorf("name %q, want %q (converted from TCVN3)", f.Name, want)
	}
	en := valid()
	en.Question, en.Lang = "How do I apply for a tour guide licence in Nha Trang?", "en"
	before := en.Question
	if Normalize(&en); en.Question != before {
		t.Errorf("English question changed to %q", en.Question)
	}
}

func TestCode(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := NewCode()
		if len(c) != CodeLength || strings.ContainsAny(c, "ILOU") || seen[c] {
			t.Fatalf("code %q: want 12 symbols of Crockford's alphabet, each new", c)
		}
		seen[c] = true
		if got, ok := NormalizeCode(strings.ToLower(FormatCode(c))); !ok || got != c {
			t.Errorf("NormalizeCode(lower(%s)) = %q, %v", FormatCode(c), got, ok)
		}
	}
	if got, ok := NormalizeCode(" 7kq2-m9xd-4tbo "); !ok || got != "7KQ2M9XD4TB0" {
		t.Errorf("lenient reading: %q %v", got, ok)
	}
	for _, bad := range []string{"", "7KQ2-M9XD", "7KQ2-M9XD-4TB!", strings.Repeat("A", 41)} {
		if _, ok := NormalizeCode(bad); ok {
			t.Errorf("NormalizeCode(%q) accepted", bad)
		}
	}
}

func TestConsultationOpen(t *testing.T) {
	opens, closes := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 15, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		now  time.Time
		want bool
	}{
		{time.Date(2026, 11, 30, 16, 59, 0, 0, time.UTC), false}, // 23:59 on 30 Nov in Vietnam
		{time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC), true},   // 00:00 on 1 Dec in Vietnam
		{time.Date(2026, 12, 15, 16, 59, 0, 0, time.UTC), true},  // the closing day's last minute
		{time.Date(2026, 12, 15, 17, 0, 0, 0, time.UTC), false},
	} {
		if got := ConsultationOpen(opens, closes, c.now); got != c.want {
			t.Errorf("ConsultationOpen at %v = %v, want %v", c.now, got, c.want)
		}
	}
}
