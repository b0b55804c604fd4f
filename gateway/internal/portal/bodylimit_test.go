package portal_test

import (
	"bytes"
	"net/http"
	"testing"
)

// Each POST route names its body limit where it is registered: the
// question form's (its files) belongs to POST /{lang}/feedback, as
// multipart, and to nothing else. A path that only ends in /feedback, or
// another form, is held to the general limit (MaxBodyBytes, 64 KiB); it
// was the form's larger one for any POST whose path ended in /feedback.
func TestBodyLimitPerRoute(t *testing.T) {
	e := newEnv(t)
	body := bytes.Repeat([]byte("x"), 100<<10) // over the general limit, under the question form's
	post := func(path, contentType string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", contentType)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	const multipart = "multipart/form-data; boundary=xyz"
	for _, c := range []struct {
		path, contentType string
		want              int
	}{
		{"/vi/sotttt/feedback", multipart, http.StatusRequestEntityTooLarge},
		{"/vi/tin-tuc/feedback", multipart, http.StatusRequestEntityTooLarge},
		{"/vi/subscribe", multipart, http.StatusRequestEntityTooLarge},
		{"/vi/feedback/delete", multipart, http.StatusRequestEntityTooLarge},
		{"/vi/feedback", "application/x-www-form-urlencoded", http.StatusRequestEntityTooLarge},
		// The question form as multipart: read, and refused for what it is
		// (no CSRF token, not a well-formed body), not for its size.
		{"/vi/feedback", multipart, http.StatusBadRequest},
	} {
		if got := post(c.path, c.contentType); got != c.want {
			t.Errorf("POST %s (%s), 100 KiB: %d, want %d", c.path, c.contentType, got, c.want)
		}
	}
}
