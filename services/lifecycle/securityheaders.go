package lifecycle

import "net/http"

// SecurityHeaders sets on h the headers every page of the project carries
// (the public portal's and the back office's): the page's
// Content-Security-Policy csp, its Referrer-Policy referrer (the portal
// tells other sites its origin; the back office, "same-origin", keeps its
// addresses to itself), no framing, no type sniffing, none of the browser's
// powerful features, and a browsing context of its own.
func SecurityHeaders(h http.Header, csp, referrer string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", referrer)
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}
