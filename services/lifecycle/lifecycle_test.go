package lifecycle

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadyFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ready.json")
	want := map[string]string{"grpc": "127.0.0.1:1", "http": "127.0.0.1:2"}
	if err := WriteReadyFile(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadReadyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got["grpc"] != want["grpc"] || got["http"] != want["http"] {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestReadyz(t *testing.T) {
	o := NewOps()
	mux := o.Mux()
	get := func(path string) (int, string) {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec.Code, rec.Body.String()
	}
	if code, _ := get("/readyz"); code != 200 {
		t.Errorf("readyz with no checks: got %d, want 200", code)
	}
	o.AddCheck("db", func(context.Context) error { return errors.New("down") })
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, `"db":"down"`) {
		t.Errorf("readyz with a failing check: got %d %s", code, body)
	}
	// A state shows in every answer, ready or not (issue 10 point 13: the
	// sub-portal's link to the hub).
	o.AddState("hub", func() string { return "unavailable: the hub does not answer" })
	if code, body := get("/readyz"); code != 503 || !strings.Contains(body, `"hub":"unavailable: the hub does not answer"`) {
		t.Errorf("readyz with a state: got %d %s", code, body)
	}
	if code, _ := get("/healthz"); code != 200 {
		t.Errorf("healthz: got %d", code)
	}
	if code, body := get("/metrics"); code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics: got %d", code)
	}
}
