package lifecycle

import (
	"net/http"
	"time"

	"github.com/portalhub/portalhub/services/config"
)

// HTTPTimeouts bound how long one connection may hold an HTTP server of the
// project at each stage, so a client that sends slowly (or not at all)
// cannot keep connections, goroutines and buffers forever.
type HTTPTimeouts struct {
	// ReadHeader bounds reading the request line and headers.
	ReadHeader time.Duration
	// Read bounds reading the whole request, body included.
	Read time.Duration
	// Write bounds the time from the end of the request headers to the end
	// of the response: the handler's work and the writing.
	Write time.Duration
	// Idle bounds the wait for the next request on a kept-alive connection.
	Idle time.Duration
}

// DefaultHTTPTimeouts are the project's timeouts. Requests that move large
// bodies or files get more time, one by one, through AllowTransfer.
var DefaultHTTPTimeouts = HTTPTimeouts{
	ReadHeader: 10 * time.Second,
	Read:       30 * time.Second,
	Write:      60 * time.Second,
	Idle:       2 * time.Minute,
}

// DeclareHTTPTimeouts declares the PORTALHUB_HTTP_* settings every process
// with an HTTP server takes, defaulting to DefaultHTTPTimeouts.
func DeclareHTTPTimeouts(set *config.Set, t *HTTPTimeouts) {
	d := DefaultHTTPTimeouts
	set.Duration(&t.ReadHeader, "PORTALHUB_HTTP_READ_HEADER_TIMEOUT", d.ReadHeader, "HTTP: longest wait for a request's headers")
	set.Duration(&t.Read, "PORTALHUB_HTTP_READ_TIMEOUT", d.Read,
		"HTTP: longest wait for a whole request, body included (authorised uploads get more, at 64 KiB/s)")
	set.Duration(&t.Write, "PORTALHUB_HTTP_WRITE_TIMEOUT", d.Write,
		"HTTP: longest time from a request's headers to the end of its answer (file downloads get more, at 64 KiB/s)")
	set.Duration(&t.Idle, "PORTALHUB_HTTP_IDLE_TIMEOUT", d.Idle, "HTTP: how long a kept-alive connection may wait for its next request")
}

// withDefaults fills the zero (or negative) fields of t from
// DefaultHTTPTimeouts: a server without a timeout is never what is meant.
func (t HTTPTimeouts) withDefaults() HTTPTimeouts {
	fill := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	fill(&t.ReadHeader, DefaultHTTPTimeouts.ReadHeader)
	fill(&t.Read, DefaultHTTPTimeouts.Read)
	fill(&t.Write, DefaultHTTPTimeouts.Write)
	fill(&t.Idle, DefaultHTTPTimeouts.Idle)
	return t
}

// maxHeaderBytes bounds a request's headers on every server of the project.
const maxHeaderBytes = 64 << 10

// NewHTTPServer returns the server every HTTP listener of the project uses:
// h with t's timeouts (zero fields take the defaults) and at most 64 KiB of
// request headers.
func NewHTTPServer(h http.Handler, t HTTPTimeouts) *http.Server {
	t = t.withDefaults()
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		MaxHeaderBytes:    maxHeaderBytes,
	}
}

// MinTransferRate is the slowest client AllowTransfer waits for, in bytes
// per second (64 KiB/s, about a poor mobile link).
const MinTransferRate = 64 << 10

// transferGrace is the time AllowTransfer gives on top of the transfer
// itself, for the handler's own work.
const transferGrace = time.Minute

// AllowTransfer gives the request being answered on w time to move n more
// bytes, in either direction, at MinTransferRate, plus a minute: it moves
// the connection's read and write deadlines (http.ResponseController). A
// handler calls it for the few requests that carry a large body or answer
// with a large file, once the caller is known to be allowed to (after
// authentication for uploads), so the server's own timeouts stay short for
// everything else. It reports whether the deadlines could be moved (a
// ResponseWriter that does not support it keeps the server's).
func AllowTransfer(w http.ResponseWriter, n int64) bool {
	if n < 0 {
		n = 0
	}
	deadline := time.Now().Add(transferGrace + time.Duration(n/MinTransferRate)*time.Second)
	rc := http.NewResponseController(w)
	if err := rc.SetReadDeadline(deadline); err != nil {
		return false
	}
	return rc.SetWriteDeadline(deadline) == nil
}
