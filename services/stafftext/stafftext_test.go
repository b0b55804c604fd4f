package stafftext

import (
	"testing"
	"testing/fstest"
	"time"
)

func catalogues(t *testing.T) Catalogues {
	t.Helper()
	c, err := Load(fstest.MapFS{
		"vi.json": {Data: []byte(`{"hello": "Xin chào %s", "only.vi": "chỉ tiếng Việt", "items.other": "%d mục", "weekday.1": "Thứ Hai"}`)},
		"en.json": {Data: []byte(`{"hello": "Hello %s", "items.one": "%d item", "items.other": "%d items", "weekday.1": "Monday"}`)},
	}, []string{"vi", "en"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestMessages(t *testing.T) {
	c := catalogues(t)
	vi, en, other := c.For("vi"), c.For("en"), c.For("fr")
	for _, tc := range []struct{ got, want string }{
		{vi.T("hello", "Hòa"), "Xin chào Hòa"},
		{en.T("hello", "Hoa"), "Hello Hoa"},
		{en.T("only.vi"), "chỉ tiếng Việt"}, // falls back to Vietnamese
		{en.T("nowhere"), "nowhere"},        // then to the id: a gap shows
		{other.T("hello", "x"), "Xin chào x"},
		{en.N("items", 1), "1 item"},
		{en.N("items", 2), "2 items"},
		{vi.N("items", 1), "1 mục"},
		{vi.Weekday("2026-11-30"), "Thứ Hai, 30/11/2026"},
		{en.Weekday("2026-11-30"), "Monday, 30 Nov 2026"},
		{vi.Day("not a date"), "not a date"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if other.Lang != "vi" || !en.Has("items.one") || vi.Has("items.one") {
		t.Errorf("For(fr).Lang = %q; Has: en %v, vi %v", other.Lang, en.Has("items.one"), vi.Has("items.one"))
	}
}

func TestNumbersAndTimes(t *testing.T) {
	c := catalogues(t)
	vi, en := c.For("vi"), c.For("en")
	at := time.Date(2026, 11, 30, 17, 5, 0, 0, time.UTC) // 00:05 on 1 December in Vietnam
	for _, tc := range []struct{ got, want string }{
		{vi.Num(3400), "3.400"},
		{en.Num(3400), "3,400"},
		{vi.Num64(-1234567), "-1.234.567"},
		{vi.Num(999), "999"},
		{vi.Money(1500000), "1.500.000 ₫"},
		{vi.Time(at), "00:05 01/12/2026"},
		{en.Time(at), "1 Dec 2026 00:05"},
		{vi.Date(at), "01/12/2026"},
		{vi.Time(time.Time{}), ""},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestLoadNeedsVietnamese(t *testing.T) {
	if _, err := Load(fstest.MapFS{"en.json": {Data: []byte(`{}`)}}, []string{"en"}); err == nil {
		t.Error("catalogues without Vietnamese loaded")
	}
	if _, err := Load(fstest.MapFS{"vi.json": {Data: []byte(`{`)}}, []string{"vi"}); err == nil {
		t.Error("a broken catalogue loaded")
	}
}
