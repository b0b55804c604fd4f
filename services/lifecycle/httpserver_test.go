package lifecycle

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/portalhub/portalhub/services/config"
)

// slowBody opens a connection to addr, sends the headers of a POST
// announcing a body of 1000 bytes and only 10 of them, and returns the
// connection.
func slowBody(t *testing.T, addr, path string) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=a", path)
	return conn
}

// closedByServer reads conn until the server closes it. The read deadline
// only stops a test whose server never does (it is no assertion on time).
func closedByServer(t *testing.T, conn net.Conn) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := io.Copy(io.Discard, conn)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("the server still holds a connection whose body stopped coming")
	}
}

// readAll is a handler that reads its whole body, as form parsing does.
var readAll = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	if _, err := io.Copy(io.Discard, r.Body); err != nil {
		http.Error(w, "cannot read the body", http.StatusBadRequest)
		return
	}
	w.Write([]byte("ok"))
})

// TestSlowBodyIsCutOff is the regression test of issue 6 B16: a client that
// sends its headers and then a body too slowly is disconnected, with the
// read timeout the process is configured with.
func TestSlowBodyIsCutOff(t *testing.T) {
	var timeouts HTTPTimeouts
	set := config.New("test", "")
	DeclareHTTPTimeouts(set, &timeouts)
	env := map[string]string{"PORTALHUB_HTTP_READ_TIMEOUT": "200ms"}
	if err := set.Parse(nil, func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, err := Serve(ctx, zerolog.Nop(), "test", "127.0.0.1:0", readAll, timeouts)
	if err != nil {
		t.Fatal(err)
	}
	closedByServer(t, slowBody(t, addr, "/dang-nhap"))
}

func TestDeclareHTTPTimeoutsDefaults(t *testing.T) {
	var got HTTPTimeouts
	set := config.New("test", "")
	DeclareHTTPTimeouts(set, &got)
	if err := set.Parse(nil, func(string) (string, bool) { return "", false }); err != nil {
		t.Fatal(err)
	}
	if got != DefaultHTTPTimeouts {
		t.Errorf("got %+v, want the defaults %+v", got, DefaultHTTPTimeouts)
	}
	srv := NewHTTPServer(http.NotFoundHandler(), HTTPTimeouts{Read: time.Second})
	if srv.ReadTimeout != time.Second || srv.ReadHeaderTimeout == 0 || srv.WriteTimeout == 0 || srv.IdleTimeout == 0 {
		t.Errorf("server timeouts %v %v %v %v: every one must be set", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
}

// TestAllowTransfer: a request whose handler allowed a transfer outlives the
// server's read timeout, which still cuts off a request that did not.
func TestAllowTransfer(t *testing.T) {
	allowed := make(chan struct{})
	mux := http.NewServeMux()
	mux.Handle("/upload", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		AllowTransfer(w, 1000)
		close(allowed)
		readAll(w, r)
	}))
	mux.Handle("/", readAll)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, err := Serve(ctx, zerolog.Nop(), "test", "127.0.0.1:0", mux, HTTPTimeouts{Read: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	upload := slowBody(t, addr, "/upload")
	<-allowed
	// A request started after the upload is cut off: the upload's own read
	// timeout has passed too by then.
	closedByServer(t, slowBody(t, addr, "/other"))

	fmt.Fprint(upload, strings.Repeat("x", 990))
	upload.SetReadDeadline(time.Now().Add(20 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(upload), nil)
	if err != nil {
		t.Fatalf("the allowed upload was cut off: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("allowed upload: status %d, want 200", resp.StatusCode)
	}
}
