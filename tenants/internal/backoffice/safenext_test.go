package backoffice

import "testing"

func TestSafeNext(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "/"},
		{"/", "/"},
		{"/noi-dung", "/noi-dung"},
		{"/noi-dung/moi?kind=article", "/noi-dung/moi?kind=article"},
		{"/ban-sua/12#files", "/ban-sua/12#files"},
		{"/t%C3%ACm?q=%C4%91", "/t%C3%ACm?q=%C4%91"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\\\evil.example", "/"},
		{"/%5Cevil.example", "/"},
		{"/%5C%5Cevil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"/%0d%0aSet-Cookie:x=1", "/"},
		{"/%00", "/"},
		{"/%E2%80%8B/evil.example", "/"}, // zero-width space
		{"/%2F%2Fevil.example", "/"},
		{"/%2fevil.example", "/"},
		{"/ok?next=%0a", "/"},
		{"http://evil.example", "/"},
		{"https://evil.example/", "/"},
		{"HTTP://evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"JavaScript:alert(1)", "/"},
		{" /noi-dung", "/"},
		{"evil.example", "/"},
		{"/dang-nhap", "/"},
		{"/dang-nhap?next=/x", "/"},
		{"/%ZZ", "/"},
	} {
		if got := safeNext(tc.in); got != tc.want {
			t.Errorf("safeNext(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
