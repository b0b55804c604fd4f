package lifecycle

import (
	"net/http"
	"testing"
)

func TestSecurityHeaders(t *testing.T) {
	h := http.Header{}
	SecurityHeaders(h, "default-src 'self'", "same-origin")
	for name, want := range map[string]string{
		"Content-Security-Policy":    "default-src 'self'",
		"X-Frame-Options":            "DENY",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"Permissions-Policy":         "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
		"Cross-Origin-Opener-Policy": "same-origin",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
}
