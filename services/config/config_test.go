package config

import (
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	var addr, secret string
	var n int
	var on bool
	var d time.Duration
	s := New("prog", "does things")
	s.String(&addr, "ADDR", ":80", "listen address")
	s.Secret(&secret, "DB", "", "database URL")
	s.Int(&n, "N", 3, "count")
	s.Bool(&on, "ON", false, "switch")
	s.Duration(&d, "D", time.Second, "delay")
	env := map[string]string{"ADDR": ":9", "N": "7", "ON": "true"}
	if err := s.Parse(nil, func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	if addr != ":9" || n != 7 || !on || d != time.Second || secret != "" {
		t.Errorf("got addr=%q n=%d on=%v d=%v secret=%q", addr, n, on, d, secret)
	}
	env["N"] = "seven"
	err := s.Parse(nil, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err == nil || !strings.Contains(err.Error(), "N: not a whole number") {
		t.Errorf("got %v, want an error naming N", err)
	}
	if err := s.Parse([]string{"--help"}, func(string) (string, bool) { return "", false }); err != ErrHelp {
		t.Errorf("got %v, want ErrHelp", err)
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"postgres://u:pw@h:5/db?sslmode=x": "postgres://u:%2A%2A%2A@h:5/db",
		"postgres://u@h/db":                "postgres://u@h/db",
		"s3cr3t":                           "***",
		"nats://t0k3n@h:4222":              "nats://%2A%2A%2A@h:4222",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
}
