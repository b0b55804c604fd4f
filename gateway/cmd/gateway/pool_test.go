package main

import (
	"context"
	"testing"
	"time"

	"github.com/portalhub/portalhub/services/hubschema"
	"github.com/portalhub/portalhub/services/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// Every connection of the gateway carries its statement timeout, unless the
// URL sets one.
func TestOpenPoolSetsStatementTimeout(t *testing.T) {
	url := testenv.Postgres(t, "gatewaypool", hubschema.Migrate)
	for _, tt := range []struct {
		url     string
		timeout time.Duration
		want    string
	}{
		{url, 5 * time.Second, "5s"},
		{url, 1500 * time.Millisecond, "1500ms"},
		{url, 0, "0"},
		{url + sep(url) + "statement_timeout=7000", 5 * time.Second, "7s"},
	} {
		pool, err := openPool(context.Background(), tt.url, tt.timeout)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		if err := pool.QueryRow(context.Background(), "SHOW statement_timeout").Scan(&got); err != nil {
			t.Fatal(err)
		}
		pool.Close()
		if got != tt.want {
			t.Errorf("timeout %v, url %s: statement_timeout = %s, want %s", tt.timeout, tt.url, got, tt.want)
		}
	}
}

func sep(url string) string {
	for _, c := range url {
		if c == '?' {
			return "&"
		}
	}
	return "?"
}
