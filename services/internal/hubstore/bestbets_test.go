package hubstore

import (
	"errors"
	"strings"
	"testing"
)

// TestBestBetQueryOverOneKiB: a query over 1 KiB is refused before it is
// parsed, in English and Vietnamese, without the query in the message
// (review1 F7).
func TestBestBetQueryOverOneKiB(t *testing.T) {
	raw := strings.Repeat("căn cước ", 120) // over 1 KiB, of words
	_, err := NormalizeBestBetQuery(raw)
	var inv *Invalid
	if !errors.As(err, &inv) || !errors.Is(err, ErrInvalidArgument) || inv.Vietnamese == "" {
		t.Fatalf("NormalizeBestBetQuery(%d bytes) = %v, want an Invalid in both languages", len(raw), err)
	}
	if strings.Contains(err.Error(), "căn cước căn") || len(err.Error()) > 200 {
		t.Errorf("the refusal echoes the query: %q", err)
	}
	if q, err := NormalizeBestBetQuery("Căn Cước"); err != nil || q != "can cuoc" {
		t.Errorf("a short query: %q, %v", q, err)
	}
}
