package main

import (
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// Without DATABASE_URL the gateway does not start on a default, and says
// what to set (issue 10 point 13).
func TestRunNeedsDatabaseURL(t *testing.T) {
	err := run(zerolog.Nop(), settings{})
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL is not set") || !strings.Contains(err.Error(), "portalhub_gateway") {
		t.Fatalf("run without DATABASE_URL: %v; want it asked for", err)
	}
}
