package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMailSettings(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		m       mailSettings
		wantOn  bool
		wantErr string
	}{
		{"off without SMTP_ADDR", mailSettings{}, false, ""},
		{"on", mailSettings{Addr: "127.0.0.1:1025", From: "Cổng <no-reply@example.gov.vn>"}, true, ""},
		{"bad address", mailSettings{Addr: "mail.example.gov.vn", From: "no-reply@example.gov.vn"}, false, "SMTP_ADDR"},
		{"no sender", mailSettings{Addr: "127.0.0.1:1025"}, false, "SMTP_FROM"},
		{"user without password", mailSettings{Addr: "127.0.0.1:587", From: "a@example.gov.vn", Username: "u"}, false, "SMTP_PASSWORD_FILE"},
		{"user and password", mailSettings{Addr: "127.0.0.1:587", From: "a@example.gov.vn", Username: "u", PasswordFile: pw}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, on, err := tc.m.relayConfig()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("relayConfig() error = %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil || on != tc.wantOn {
				t.Fatalf("relayConfig() = on %v, %v, want on %v", on, err, tc.wantOn)
			}
			if tc.m.PasswordFile != "" && cfg.SMTP.Password != "s3cret" {
				t.Errorf("password %q, want the file's line without its newline", cfg.SMTP.Password)
			}
		})
	}
}
