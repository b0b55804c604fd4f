package vnenc

import (
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzCheck runs Check on any text: go test runs it over the seeds in
// testdata/fuzz/FuzzCheck, go test -fuzz=FuzzCheck explores from them.
func FuzzCheck(f *testing.F) {
	f.Fuzz(checkProperties)
}

// checkProperties checks what Check promises for any input: no panic, a
// Text in valid UTF-8 and NFC, a reason for every conversion and refusal, and
// a result that is final: checked again, it is neither converted nor changed.
func checkProperties(t *testing.T, s string) {
	got := Check(s)
	if !utf8.ValidString(got.Text) || !norm.NFC.IsNormalString(got.Text) {
		t.Fatalf("Check(%q).Text = %q is not valid NFC UTF-8", s, got.Text)
	}
	if (got.Converted || got.Broken) && (got.Reason == "" || got.ReasonVI == "") {
		t.Fatalf("Check(%q) converted %v, broken %v without a reason: %+v", s, got.Converted, got.Broken, got)
	}
	if utf8.ValidString(s) && got.Converted != (got.Text != norm.NFC.String(s)) {
		t.Fatalf("Check(%q): Converted %v, but Text %q", s, got.Converted, got.Text)
	}
	again := Check(got.Text)
	if again.Text != got.Text || again.Converted {
		t.Fatalf("Check(%q) = %q, and checked again %q (converted %v, %s): a converted text must stay as it is",
			s, got.Text, again.Text, again.Converted, again.Encoding)
	}
}
