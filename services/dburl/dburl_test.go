package dburl

import (
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	if err := Check("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portalhub?sslmode=disable"); err != nil {
		t.Errorf("a good URL: %v", err)
	}
	for _, url := range []string{"", "postgres://postgres@127.0.0.1:notaport/x", "localhost/portalhub",
		"postgres://u:secret@127.0.0.1:5432/x?sslmode=bogus", "postgres://u:secret@127.0.0.1:notaport/x"} {
		err := Check("DATABASE_URL", url)
		if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is") || !strings.Contains(err.Error(), "postgres://USER") {
			t.Errorf("Check(%q) = %v; want what is wrong and the form", url, err)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("Check(%q) shows the password: %v", url, err)
		}
	}
}
