package feedbackrules

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"unicode"
)

// seededQuestion is one of testdata/anonymize_questions.json: a question
// full of personal details (secrets), what of it must survive (keep), and
// the contact details the asker gave in the form (known).
type seededQuestion struct {
	Lang     string   `json:"lang"`
	Known    []string `json:"known"`
	Question string   `json:"question"`
	Secrets  []string `json:"secrets"`
	Keep     []string `json:"keep"`
}

func seededQuestions(t *testing.T) []seededQuestion {
	t.Helper()
	b, err := os.ReadFile("testdata/anonymize_questions.json")
	if err != nil {
		t.Fatal(err)
	}
	var qs []seededQuestion
	if err := json.Unmarshal(b, &qs); err != nil {
		t.Fatal(err)
	}
	return qs
}

// Leaks returns the secrets still readable in text: as typed, ignoring case
// and diacritics, or (for a number) as its digits run together.
func leaks(text string, secrets []string) []string {
	folded, _ := fold(text)
	digits := onlyDigits(text)
	var out []string
	for _, s := range secrets {
		f, _ := fold(s)
		d := onlyDigits(s)
		if strings.Contains(folded, f) || len(d) >= 6 && strings.Contains(digits, d) {
			out = append(out, s)
		}
	}
	return out
}

func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// TestAnonymizeSeededQuestions is issue 9 point 4's test: 50 questions in
// three languages full of names, phone numbers, e-mail addresses, ID
// numbers and street addresses; none of them survives, and what the
// question is about does.
func TestAnonymizeSeededQuestions(t *testing.T) {
	qs := seededQuestions(t)
	if len(qs) != 50 {
		t.Fatalf("%d seeded questions, want 50", len(qs))
	}
	kinds := map[string]int{}
	for i, q := range qs {
		if got := leaks(q.Question, q.Secrets); len(got) != len(q.Secrets) {
			t.Fatalf("question %d: its secrets %q are not all in it (only %q): the data set is wrong", i, q.Secrets, got)
		}
		a := Anonymize(q.Question, q.Lang, q.Known...)
		if got := leaks(a.Text, q.Secrets); len(got) > 0 {
			t.Errorf("question %d: %q left in\n%s", i, got, a.Text)
		}
		for _, k := range q.Keep {
			if !strings.Contains(a.Text, k) {
				t.Errorf("question %d: %q removed, want it kept\n%s", i, k, a.Text)
			}
		}
		if a.Count() == 0 {
			t.Errorf("question %d: nothing found", i)
		}
		for k, n := range a.Found {
			kinds[k] += n
		}
		if again := Anonymize(a.Text, q.Lang, q.Known...); again.Text != a.Text || again.Count() != 0 {
			t.Errorf("question %d: anonymising the result again changed it (%v):\n%s\n%s", i, again.Found, a.Text, again.Text)
		}
	}
	for _, k := range Kinds {
		if kinds[k] < 5 {
			t.Errorf("only %d details of kind %s in the data set; it should exercise every kind", kinds[k], k)
		}
	}
	t.Logf("replaced: %v", kinds)
}

// TestAnonymizeKeepsOrdinaryText: questions without personal details come
// out as they went in (dates, sums, document numbers, places, public
// names).
func TestAnonymizeKeepsOrdinaryText(t *testing.T) {
	for _, text := range []string{
		"Quyết định số 1234/QĐ-UBND ngày 01/02/2026 của UBND tỉnh Khánh Hòa có hiệu lực từ khi nào?",
		"Mức hỗ trợ 15.000.000 đồng cho mỗi hộ trong giai đoạn 2021-2025 được chi ở đâu?",
		"Đường Trần Phú đoạn gần Tháp Bà Ponagar có được cấm xe tải từ 6 giờ đến 22 giờ không?",
		"Tượng đài Chủ tịch Hồ Chí Minh ở quảng trường có mở cửa cho khách tham quan vào ngày lễ không?",
		"Xin hỏi thủ tục đăng ký hộ kinh doanh tại phường Nha Trang mất bao nhiêu ngày làm việc?",
		"How many working days does a business registration take in Khanh Hoa province?",
		"Сколько стоит виза на 90 дней в 2026 году?",
	} {
		if a := Anonymize(text, "vi"); a.Text != text {
			t.Errorf("changed (%v):\n%s\n%s", a.Found, text, a.Text)
		}
	}
}

func TestAnonymizePlaceholdersInTheQuestionsLanguage(t *testing.T) {
	for _, c := range []struct{ lang, want string }{
		{"vi", "Gọi tôi: [số điện thoại]"}, {"en", "Gọi tôi: [phone number]"}, {"ru", "Gọi tôi: [номер телефона]"}, {"xx", "Gọi tôi: [số điện thoại]"},
	} {
		if got := Anonymize("Gọi tôi: 0905123456", c.lang).Text; got != c.want {
			t.Errorf("%s: got %q, want %q", c.lang, got, c.want)
		}
	}
}
